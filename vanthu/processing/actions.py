"""Handling incoming documents: the leader's handling slip, re-assignment inside a department,
progress notes and completion (Decree 30/2020 Art. 24: the leader gives the handling opinion,
names the lead and co-handling units and the deadline).

Every function checks permission, validates everything before writing, changes data inside
one transaction and records an audit event on the document, so the document page's history
tells the whole story. When the document came from another agency, the sender hears 04
(assigned), 05 (processing) and 06 (completed) through the document's transport, as
`documents.actions.incoming.accept_arrival` does for 03.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.directory.access import roles_of
from vanthu.directory.models import Department, Membership, Role, User
from vanthu.documents.access import documents_visible_to
from vanthu.documents.actions.common import snapshot, transition
from vanthu.documents.models import Direction, Document, Forward, Status
from vanthu.documents.numbering import VIETNAM, local_today
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.exchange.feedback import report_back
from vanthu.exchange.models import StatusCode
from vanthu.processing.deadlines import deadline_in_working_days
from vanthu.processing.models import (
    OPEN_STATUSES,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    ProgressNote,
)
from vanthu.workdays import OutOfRangeError

ASSIGNABLE = (Status.REGISTERED, Status.PRESENTED, Status.FORWARDED)
MAX_DIRECTIVE = 4000
MAX_NOTE = 4000
MAX_WORKING_DAYS = 250  # about a working year: beyond that it is a typo, not a deadline
CLOSED_WITH_LEAD = "Văn bản đã được giải quyết xong (đơn vị chủ trì đã hoàn thành)."

Assignee = User | Department


# --- optional neighbours ----------------------------------------------------------------------
# Delegation and notifications are apps built alongside this one; processing works without
# them, so both are looked up when needed and their absence means "none".


def _delegation_access():
    try:
        from vanthu.delegation import access
    except ImportError:
        return None
    return access


def _notify(recipients: Iterable[User], **message) -> None:
    try:
        from vanthu.notifications.actions import notify
    except ImportError:
        return
    seen: set[int] = set()
    for recipient in recipients:
        if recipient is not None and recipient.pk not in seen:
            seen.add(recipient.pk)
            notify(recipient, **message)


def department_leaders(department_id: int) -> list[User]:
    return list(
        User.objects.filter(
            memberships__in=Membership.objects.current().filter(
                department_id=department_id, role=Role.DEPARTMENT_LEADER
            )
        ).distinct()
    )


def people_to_tell(assignment: Assignment) -> list[User]:
    """Who answers for an assignment: the person, or the leaders of the department."""
    if assignment.assignee_user_id:
        return [assignment.assignee_user]
    return department_leaders(assignment.assignee_department_id)


def assignment_url(assignment: Assignment) -> str:
    return reverse("processing:assignment_detail", args=[assignment.public_id])


def _reference(doc: Document) -> str:
    ref = doc.reference or "(không số)"
    return f"{ref} (số đến {doc.arrival_number:02d})" if doc.arrival_number else ref


# --- exchange status feedback -----------------------------------------------------------------


def _report(doc: Document, status: str, actor: User, *, once: bool = True, note: str = "") -> None:
    # Through whichever transport brought the document (local timeline or hub outbox);
    # nothing for a paper arrival.
    report_back(doc, status, actor=actor, note=note, once=once)


# --- who may do what --------------------------------------------------------------------------


def may_assign_directly(user, doc: Document) -> bool:
    """An agency leader of the document's agency, or the leader it was presented to."""
    if doc.direction != Direction.INCOMING:
        return False
    return roles_of(user).has(doc.agency_id, Role.AGENCY_LEADER) or (
        doc.presented_to_id is not None and doc.presented_to_id == user.pk
    )


def principal_for_assigning(user, doc: Document, on_behalf_of: User | None = None) -> User | None:
    """None when `user` may fill the slip themselves; else the absent leader they substitute
    for under a current delegation of the power to handle. Raises PermissionDenied."""
    if on_behalf_of is None and may_assign_directly(user, doc):
        return None
    access = _delegation_access()
    if access is not None:
        candidates = (
            [on_behalf_of]
            if on_behalf_of is not None
            else access.principals_of(user, power="handle")
        )
        for principal in candidates:
            if (
                principal is not None
                and principal.pk != user.pk
                and may_assign_directly(principal, doc)
                and access.acting_for(user, principal, power="handle") is not None
            ):
                return principal
    raise PermissionDenied(
        "Chỉ lãnh đạo cơ quan (hoặc người được ủy quyền xử lý) mới được giao xử lý văn bản đến."
    )


def may_handle(user, assignment: Assignment) -> bool:
    """The person assigned, or a leader of the department assigned."""
    if assignment.assignee_user_id is not None:
        return assignment.assignee_user_id == user.pk
    return assignment.assignee_department_id in roles_of(user).led_departments


def departments_to_reassign_in(user, assignment: Assignment) -> set[int]:
    """The departments inside which `user` may split this assignment: the one assigned when
    they lead it, or the ones they lead when the assignment was given to them personally."""
    roles = roles_of(user)
    if assignment.assignee_department_id is not None:
        dept = assignment.assignee_department_id
        return {dept} if dept in roles.led_departments else set()
    if assignment.assignee_user_id != user.pk:
        return set()
    led_here = Department.objects.filter(
        pk__in=roles.led_departments, agency_id=assignment.agency_id
    )
    return set(led_here.values_list("pk", flat=True))


# --- validation -------------------------------------------------------------------------------


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, User | Department):
        return [value]
    return list(value)


def _label(target: Assignee) -> str:
    if isinstance(target, Department):
        return target.name
    return target.full_name or target.username


def _check_targets(
    doc: Document, lead, co, info, errors: dict, *, within: set[int] | None = None
) -> list[tuple[str, Assignee]]:
    """(role, assignee) pairs after the checks: exactly one lead; everyone a department or
    a person of the document's agency (or, with `within`, a person of those departments);
    nobody twice."""
    leads, co, info = _as_list(lead), _as_list(co), _as_list(info)
    if len(leads) != 1:
        errors["lead"] = "Phải chọn đúng một đơn vị hoặc người chủ trì xử lý."
    pairs = [(AssignmentRole.LEAD, t) for t in leads]
    pairs += [(AssignmentRole.CO, t) for t in co] + [(AssignmentRole.INFO, t) for t in info]
    if any(not isinstance(t, User | Department) for _, t in pairs):
        errors["assignees"] = "Người hoặc đơn vị được giao không hợp lệ."
        return []
    people = {t.pk for _, t in pairs if isinstance(t, User)}
    members = Membership.objects.current().filter(user_id__in=people, agency_id=doc.agency_id)
    if within is not None:
        members = members.filter(department_id__in=within)
    staff = set(members.values_list("user_id", flat=True))
    for role, target in pairs:
        field = {"lead": "lead", "co": "co", "info": "info"}[role]
        if isinstance(target, Department):
            if within is not None:
                errors[field] = "Chỉ được giao lại cho cán bộ trong phòng, ban của mình."
            elif target.agency_id != doc.agency_id:
                errors[field] = f"{target.name} không thuộc {doc.agency.name}."
            elif doc.is_secret:
                # Access to a secret document is granted person by person (named readers).
                errors[field] = "Văn bản mật chỉ được giao đích danh cho từng người."
        elif target.pk not in staff:
            where = "phòng, ban của bạn" if within is not None else doc.agency.name
            errors[field] = f"{_label(target)} không phải cán bộ của {where}."
    keys = [(type(t).__name__, t.pk) for _, t in pairs]
    if len(set(keys)) != len(keys):
        errors["assignees"] = "Mỗi người hoặc đơn vị chỉ được giao một vai trò."
    return pairs


def _check_deadline(
    errors: dict,
    *,
    due_on: date | None,
    due_working_days: int | None,
    now: datetime | None,
    latest: date | None = None,
) -> date | None:
    if due_on is not None and due_working_days is not None:
        errors["due_on"] = "Chỉ nhập hạn xử lý theo ngày hoặc theo số ngày làm việc, không cả hai."
        return None
    today = timezone.localdate(now, timezone=VIETNAM) if now else local_today()
    if due_working_days is not None:
        if not isinstance(due_working_days, int) or not 1 <= due_working_days <= MAX_WORKING_DAYS:
            errors["due_working_days"] = f"Số ngày làm việc phải từ 1 đến {MAX_WORKING_DAYS}."
            return None
        try:
            due_on = deadline_in_working_days(due_working_days, now)
        except OutOfRangeError:
            errors["due_working_days"] = "Hạn xử lý nằm ngoài lịch làm việc được hỗ trợ."
            return None
    if due_on is not None:
        if not isinstance(due_on, date):
            errors["due_on"] = "Hạn xử lý không hợp lệ."
        elif due_on < today:
            errors["due_on"] = "Hạn xử lý không được trước ngày hôm nay."
        elif latest is not None and due_on > latest:
            errors["due_on"] = (
                f"Hạn xử lý không được sau hạn của việc được giao ({latest:%d/%m/%Y})."
            )
    return due_on


def _clean_text(text: str, limit: int, field: str, errors: dict, *, required: str = "") -> str:
    text = (text or "").strip()
    if required and not text:
        errors[field] = required
    elif len(text) > limit:
        errors[field] = f"Nội dung quá dài (tối đa {limit} ký tự)."
    return text


# --- writing ----------------------------------------------------------------------------------


def _create_lines(
    doc: Document,
    pairs: list[tuple[str, Assignee]],
    *,
    by: User,
    on_behalf_of: User | None,
    parent: Assignment | None,
    due_on: date | None,
    directive: str,
) -> list[Assignment]:
    lines = []
    for role, target in pairs:
        lines.append(
            Assignment.objects.create(
                document=doc,
                agency_id=doc.agency_id,
                role=role,
                assignee_user=target if isinstance(target, User) else None,
                assignee_department=target if isinstance(target, Department) else None,
                assigned_by=by,
                on_behalf_of=on_behalf_of,
                parent=parent,
                # Nhận để biết carries no deadline: nobody is reminded of reading.
                due_on=None if role == AssignmentRole.INFO else due_on,
                directive=directive,
            )
        )
    # The document reaches its handlers the way a leader's forward does: it shows in their
    # "Văn bản được chuyển" and becomes visible to them (documents.access).
    users = [t for _, t in pairs if isinstance(t, User)]
    depts = [t for _, t in pairs if isinstance(t, Department)]
    have_users = set(
        Forward.objects.filter(document=doc, to_user__in=users).values_list("to_user_id", flat=True)
    )
    have_depts = set(
        Forward.objects.filter(document=doc, to_department__in=depts).values_list(
            "to_department_id", flat=True
        )
    )
    Forward.objects.bulk_create(
        [
            Forward(document=doc, to_user=u, by=by, note=directive)
            for u in users
            if u.pk not in have_users
        ]
        + [
            Forward(document=doc, to_department=d, by=by, note=directive)
            for d in depts
            if d.pk not in have_depts
        ]
    )
    if doc.is_secret and users:
        doc.named_readers.add(*users)
    return lines


def _slip_note(lines: list[Assignment], due_on: date | None, by: User, principal: User | None):
    parts = []
    for role in AssignmentRole:
        names = [a.assignee_name for a in lines if a.role == role]
        if names:
            parts.append(f"{role.label}: {', '.join(names)}")
    if due_on:
        parts.append(f"hạn {due_on:%d/%m/%Y}")
    if principal is not None:
        parts.append(f"{by.full_name} thay mặt {principal.full_name}")
    return "; ".join(parts)


def _directive_sms(line: Assignment, doc: Document, actor: User) -> str:
    """The text cities send the lead: who directs, which document, the deadline and the
    directive itself, short enough for one phone screen (notify cuts it to 160)."""
    head = f"VanThu: {actor.full_name or actor.username} giao chủ trì VB {doc.reference or '(không số)'}"
    if line.due_on:
        head += f", hạn {line.due_on:%d/%m/%Y}"
    return f"{head}. Chỉ đạo: {line.directive}" if line.directive else f"{head}: {doc.subject}"


def _announce(lines: list[Assignment], doc: Document, actor: User) -> None:
    for line in lines:
        title = f"{line.get_role_display()}: văn bản {_reference(doc)}"
        body = doc.subject
        if line.directive:
            body += f"\nÝ kiến chỉ đạo: {line.directive}"
        if line.due_on:
            body += f"\nHạn xử lý: {line.due_on:%d/%m/%Y}"
        lead = line.role == AssignmentRole.LEAD
        _notify(
            people_to_tell(line),
            # The lead receives the leader's directive (kind "directive", by SMS as cities
            # do today); co-handlers and for-information recipients in the app and by e-mail.
            kind="directive" if lead else "assignment",
            title=title,
            body=body,
            url=assignment_url(line),
            actor=actor,
            sms=lead,
            sms_text=_directive_sms(line, doc, actor) if lead else "",
        )


def assign(
    leader: User,
    document: Document,
    *,
    lead,
    co=(),
    info=(),
    due_on: date | None = None,
    due_working_days: int | None = None,
    directive: str = "",
    on_behalf_of: User | None = None,
    now: datetime | None = None,
) -> list[Assignment]:
    """The handling slip: one lead, co-handlers, for-information recipients, a deadline (a
    date, or N working days from now) and the leader's directive.

    `now` is the moment the slip is signed (tests pass a fixed one; default: now)."""
    principal = principal_for_assigning(leader, document, on_behalf_of)
    if document.status not in ASSIGNABLE:
        raise InvalidTransition(
            f"Văn bản đang ở trạng thái «{document.get_status_display()}», chưa thể giao xử lý."
        )
    errors: dict[str, str] = {}
    pairs = _check_targets(document, lead, co, info, errors)
    due = _check_deadline(errors, due_on=due_on, due_working_days=due_working_days, now=now)
    directive = _clean_text(directive, MAX_DIRECTIVE, "directive", errors)
    top = Assignment.objects.filter(document=document, parent__isnull=True).exclude(
        status=AssignmentStatus.CANCELLED
    )
    if top.filter(role=AssignmentRole.LEAD).exists():
        errors["lead"] = "Văn bản đã có đơn vị chủ trì xử lý; không giao thêm chủ trì."
    if errors:
        raise ValidationFailed(errors)

    with transaction.atomic():
        doc = Document.objects.select_for_update().select_related("agency").get(pk=document.pk)
        if top.filter(role=AssignmentRole.LEAD).exists():  # a second leader, a moment earlier
            raise ValidationFailed(
                {"lead": "Văn bản vừa được giao chủ trì xử lý; hãy tải lại trang."}
            )
        before = snapshot(doc)
        transition(doc, set(ASSIGNABLE), Status.FORWARDED)
        lines = _create_lines(
            doc,
            pairs,
            by=leader,
            on_behalf_of=principal,
            parent=None,
            due_on=due,
            directive=directive,
        )
        _report(doc, StatusCode.ASSIGNED, leader)
        record_event(
            "processing.assigned",
            doc,
            actor=leader,
            agency=doc.agency,
            before=before,
            after=snapshot(doc),
            note=_slip_note(lines, due, leader, principal),
            on_behalf_of=principal,
        )
        _announce(lines, doc, leader)
    document.status = doc.status
    return lines


def reassign(
    dept_leader: User,
    assignment: Assignment,
    *,
    lead,
    co=(),
    info=(),
    due_on: date | None = None,
    directive: str = "",
) -> list[Assignment]:
    """A department leader splits the department's part among their own people; the new
    lines hang under `assignment` and may not run past its deadline."""
    within = departments_to_reassign_in(dept_leader, assignment)
    if not within:
        raise PermissionDenied("Chỉ lãnh đạo phòng, ban được giao mới được giao lại việc này.")
    if not assignment.is_open:
        raise InvalidTransition("Việc này đã kết thúc, không thể giao lại.")
    if assignment.role == AssignmentRole.INFO:
        raise InvalidTransition("Văn bản nhận để biết không cần giao lại.")
    doc = assignment.document
    errors: dict[str, str] = {}
    pairs = _check_targets(doc, lead, co, info, errors, within=within)
    due = _check_deadline(
        errors, due_on=due_on, due_working_days=None, now=None, latest=assignment.due_on
    )
    due = due or assignment.due_on
    directive = _clean_text(directive, MAX_DIRECTIVE, "directive", errors)
    if any(t.pk == dept_leader.pk for _, t in pairs if isinstance(t, User)):
        errors["lead"] = "Không giao lại cho chính mình."
    children = assignment.children.filter(status__in=OPEN_STATUSES, role=AssignmentRole.LEAD)
    if children.exists():
        errors["lead"] = "Việc này đã được giao lại cho người chủ trì trong phòng."
    if errors:
        raise ValidationFailed(errors)

    with transaction.atomic():
        parent = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if parent.status not in OPEN_STATUSES or children.exists():
            raise InvalidTransition("Việc vừa được người khác xử lý; hãy tải lại trang.")
        doc = Document.objects.select_related("agency").get(pk=parent.document_id)
        lines = _create_lines(
            doc,
            pairs,
            by=dept_leader,
            on_behalf_of=None,
            parent=parent,
            due_on=due,
            directive=directive,
        )
        record_event(
            "processing.reassigned",
            doc,
            actor=dept_leader,
            agency=doc.agency,
            note=f"Giao lại việc của {parent.assignee_name}: "
            + _slip_note(lines, due, dept_leader, None),
        )
        _announce(lines, doc, dept_leader)
    return lines


def _start(assignment: Assignment) -> None:
    """open → in_progress for the assignment and the lines above it (compare-and-set)."""
    line: Assignment | None = assignment
    while line is not None:
        Assignment.objects.filter(pk=line.pk, status=AssignmentStatus.OPEN).update(
            status=AssignmentStatus.IN_PROGRESS
        )
        line = line.parent


def add_progress(user: User, assignment: Assignment, text: str) -> ProgressNote:
    if not may_handle(user, assignment):
        raise PermissionDenied("Chỉ người hoặc đơn vị được giao mới được cập nhật tiến độ.")
    errors: dict[str, str] = {}
    text = _clean_text(text, MAX_NOTE, "text", errors, required="Hãy nhập nội dung tiến độ.")
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        line = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if line.status not in OPEN_STATUSES:
            raise InvalidTransition("Việc này đã kết thúc, không cập nhật tiến độ được nữa.")
        note = ProgressNote.objects.create(assignment=line, author=user, text=text)
        _start(line)
        doc = Document.objects.select_related("agency").get(pk=line.document_id)
        _report(doc, StatusCode.PROCESSING, user)
        record_event(
            "processing.progress",
            doc,
            actor=user,
            agency=doc.agency,
            note=f"{line.assignee_name} ({line.get_role_display()}): {text[:200]}",
        )
    assignment.status = Assignment.objects.values_list("status", flat=True).get(pk=assignment.pk)
    return note


def _close(lines, *, by: User, at: datetime, note: str) -> int:
    return Assignment.objects.filter(pk__in=[a.pk for a in lines], status__in=OPEN_STATUSES).update(
        status=AssignmentStatus.DONE, completed_at=at, completed_by=by, result_note=note
    )


def _check_result_document(user: User, assignment: Assignment, result_document, errors) -> None:
    if result_document is None:
        return
    visible = isinstance(result_document, Document) and (
        documents_visible_to(user)
        .filter(pk=result_document.pk, agency_id=assignment.agency_id)
        .exists()
    )
    if not visible:
        errors["result_document"] = "Văn bản kết quả phải là văn bản của cơ quan mà bạn xem được."


def complete(
    user: User, assignment: Assignment, *, result_note: str, result_document: Document | None = None
) -> Assignment:
    """Finish one's part. The lead of a re-assigned line finishes the line above it too, and
    the lead of the slip finishes the document's handling: every line still open closes and
    the sender hears 06."""
    if not may_handle(user, assignment):
        raise PermissionDenied("Chỉ người hoặc đơn vị được giao mới được báo cáo hoàn thành.")
    errors: dict[str, str] = {}
    required = "" if assignment.role == AssignmentRole.INFO else "Hãy nêu kết quả xử lý."
    result_note = _clean_text(result_note, MAX_NOTE, "result_note", errors, required=required)
    if assignment.role == AssignmentRole.INFO and not result_note:
        result_note = "Đã nắm thông tin."
    _check_result_document(user, assignment, result_document, errors)
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    with transaction.atomic():
        line = Assignment.objects.select_for_update().get(pk=assignment.pk)
        changed = Assignment.objects.filter(pk=line.pk, status__in=OPEN_STATUSES).update(
            status=AssignmentStatus.DONE,
            completed_at=now,
            completed_by=user,
            result_note=result_note,
            result_document=result_document,
        )
        if changed != 1:
            raise InvalidTransition("Việc này đã kết thúc.")
        # The lead of a split finishes the part it was split from, up to the slip itself.
        finished = line
        while finished.role == AssignmentRole.LEAD and finished.parent_id is not None:
            finished = Assignment.objects.select_for_update().get(pk=finished.parent_id)
            Assignment.objects.filter(pk=finished.pk, status__in=OPEN_STATUSES).update(
                status=AssignmentStatus.DONE,
                completed_at=now,
                completed_by=user,
                result_note=result_note,
                result_document=result_document,
            )
        doc = Document.objects.select_related("agency").get(pk=line.document_id)
        whole = finished.role == AssignmentRole.LEAD and finished.parent_id is None
        if whole:
            still_open = Assignment.objects.filter(document=doc, status__in=OPEN_STATUSES)
            _close(list(still_open), by=user, at=now, note=CLOSED_WITH_LEAD)
            _report(doc, StatusCode.COMPLETED, user, note=result_note[:500])
        else:
            _close(_descendants(line), by=user, at=now, note=result_note)
        note = f"{line.assignee_name} ({line.get_role_display()}): {result_note[:200]}"
        if result_document is not None:
            note += f"; văn bản trả lời {result_document.reference or '(chưa số)'}"
        if whole:
            note += "; văn bản đã giải quyết xong"
        record_event("processing.completed", doc, actor=user, agency=doc.agency, note=note)
        if line.assigned_by_id != user.pk:
            _notify(
                [line.assigned_by],
                kind="completed",
                title=f"Đã hoàn thành: văn bản {_reference(doc)}",
                body=f"{line.assignee_name}: {result_note}",
                url=assignment_url(line),
                actor=user,
            )
    assignment.refresh_from_db()
    return assignment


def _descendants(line: Assignment) -> list[Assignment]:
    found, frontier = [], [line.pk]
    while frontier:
        level = list(Assignment.objects.filter(parent_id__in=frontier))
        found += level
        frontier = [a.pk for a in level]
    return found
