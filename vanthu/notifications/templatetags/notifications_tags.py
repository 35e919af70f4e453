"""The bell's count in the navigation bar, rendered once with the page and then refreshed by
htmx from notifications:unread_count."""

from django import template

from vanthu.notifications.actions import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_unread_count.html", takes_context=True)
def unread_badge(context):
    request = context.get("request")
    return {"unread": unread_count(getattr(request, "user", None))}
