"""Django admin for superusers, to look things up. Changes go through the directory pages,
whose actions validate codes and write the audit trail; the admin would bypass both, so it
only shows. Positions are the exception: a short reference list with no page of its own."""

from __future__ import annotations

from django.contrib import admin

from vanthu.directory.models import Agency, ApiToken, Department, Membership, Position, User


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "code_qd20", "abbreviation", "kind", "parent", "valid_to"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "code", "code_qd20", "external_id"]
    show_full_result_count = False  # COUNT(*) over ~10⁵ rows on every page is wasted work


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "agency"]
    list_select_related = ["agency"]
    search_fields = ["name", "code", "agency__name", "agency__code"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["name", "rank"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "full_name", "email", "is_active", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email"]
    exclude = ["password"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "agency", "department", "position", "valid_from", "valid_to"]
    list_filter = ["role"]
    list_select_related = ["user", "agency", "department", "position"]
    search_fields = ["user__username", "user__full_name", "agency__name", "agency__code"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    exclude = ["key_hash"]
