"""Typed shapes of the API. Field names follow Appendix VI of Decree 30/2020 (and edXML) where
it has one; ids are public UUIDs or agency codes, never database keys; dates are ISO 8601."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from vanthu.directory.models import Membership, Role
from vanthu.documents.models import Channel, Direction, Secrecy, Status, Urgency
from vanthu.documents.numbering import local_today
from vanthu.exchange.models import StatusCode
from vanthu.processing.models import OPEN_STATUSES


class ErrorDetail(Schema):
    code: str = Field(description="Mã lỗi ổn định, ví dụ validation_failed, invalid_transition")
    message: str = Field(description="Thông báo lỗi bằng tiếng Việt")
    fields: dict[str, str] = Field(description="Lỗi theo từng trường")


class ErrorOut(Schema):
    error: ErrorDetail


ERRORS: dict[int, Any] = {code: ErrorOut for code in (400, 401, 403, 404, 422)}


# --- references -------------------------------------------------------------------------


class AgencyRef(Schema):
    code: str = Field(description="Mã định danh (QCVN 102)")
    name: str = Field(description="Tên cơ quan")


class DepartmentRef(Schema):
    code: str = Field(description="Mã đơn vị")
    name: str = Field(description="Tên phòng, ban")


class UserRef(Schema):
    id: UUID
    full_name: str = Field(description="Họ và tên")

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id


class DocumentTypeOut(Schema):
    code: str
    name: str = Field(description="Tên loại văn bản")
    abbreviation: str = Field(description="Viết tắt")


# --- documents --------------------------------------------------------------------------


class SignerOut(Schema):
    id: UUID | None = Field(description="Người ký trong hệ thống (văn bản đi)")
    full_name: str = Field(description="Họ tên người ký")
    position: str = Field(description="Chức vụ người ký")
    competence: str = Field(description="Thẩm quyền ký: TM., KT., TL., TUQ., Q. hoặc rỗng")


class FileOut(Schema):
    id: UUID
    name: str = Field(description="Tên tệp")
    kind: str = Field(description="main, attachment hoặc rendition")
    kind_label: str
    version: int = Field(description="Phiên bản")
    size: int = Field(description="Dung lượng (byte)")
    sha256: str
    mime_type: str
    page_count: int | None = Field(description="Số trang")
    derived_from: UUID | None = Field(description="Tệp gốc của bản chuyển đổi")
    created_at: datetime

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.original_name

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_derived_from(obj) -> UUID | None:
        return obj.derived_from.public_id if obj.derived_from_id else None


class DeliveryEventOut(Schema):
    status: StatusCode = Field(description="Mã trạng thái edXML (QCVN 102)")
    status_label: str
    at: datetime
    actor_name: str = Field(description="Người xử lý bên nhận")
    note: str

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class DeliveryOut(Schema):
    recipient_code: str = Field(description="Mã định danh nơi nhận")
    recipient_name: str = Field(description="Tên nơi nhận")
    status: StatusCode
    status_label: str
    events: list[DeliveryEventOut]

    @staticmethod
    def resolve_recipient_code(obj) -> str:
        return obj.recipient.code

    @staticmethod
    def resolve_recipient_name(obj) -> str:
        return obj.recipient.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class CommentOut(Schema):
    author: UserRef
    text: str = Field(description="Ý kiến")
    at: datetime


class ForwardOut(Schema):
    to_user: UserRef | None = Field(description="Người nhận")
    to_department: DepartmentRef | None = Field(description="Phòng, ban nhận")
    by: UserRef = Field(description="Người chuyển")
    note: str = Field(description="Ý kiến chỉ đạo")
    at: datetime
    read_at: datetime | None = Field(description="Thời điểm người nhận mở văn bản")


class DocumentSummary(Schema):
    id: UUID
    agency: AgencyRef = Field(description="Cơ quan quản lý văn bản này")
    direction: Direction
    direction_label: str
    status: Status
    status_label: str
    doc_type: DocumentTypeOut = Field(description="Loại văn bản")
    code_number: str = Field(description="Số (CodeNumber)")
    code_notation: str = Field(description="Ký hiệu (CodeNotation)")
    reference: str = Field(description="Số, ký hiệu đầy đủ, ví dụ 01/UBND-KT")
    subject: str = Field(description="Trích yếu nội dung")
    issued_on: date | None = Field(description="Ngày ban hành")
    issuer_name: str = Field(description="Cơ quan ban hành")
    issuer_code: str = Field(description="Mã định danh cơ quan ban hành")
    urgency: Urgency = Field(description="Độ khẩn (Priority)")
    urgency_label: str
    secrecy: Secrecy = Field(description="Độ mật")
    secrecy_label: str
    due_on: date | None = Field(description="Hạn xử lý")
    arrival_number: int | None = Field(description="Số đến")
    arrived_at: datetime | None = Field(description="Ngày đến")
    created_at: datetime
    issued_at: datetime | None = Field(description="Thời điểm phát hành")

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_direction_label(obj) -> str:
        return obj.get_direction_display()

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_code_number(obj) -> str:
        return obj.number_text

    @staticmethod
    def resolve_code_notation(obj) -> str:
        return obj.notation

    @staticmethod
    def resolve_urgency_label(obj) -> str:
        return obj.get_urgency_display()

    @staticmethod
    def resolve_secrecy_label(obj) -> str:
        return obj.get_secrecy_display()


class DocumentOut(DocumentSummary):
    signer: SignerOut = Field(description="Người ký (SignerInfo)")
    page_amount: int | None = Field(description="Số trang")
    issued_amount: int | None = Field(description="Số lượng bản phát hành")
    language: str = Field(description="Ngôn ngữ")
    description: str = Field(description="Ghi chú")
    recipients_text: str = Field(description="Nơi nhận (ToPlaces)")
    recipient_agencies: list[AgencyRef] = Field(description="Nơi nhận điện tử")
    is_normative: bool = Field(description="Văn bản quy phạm pháp luật")
    drafting_department: DepartmentRef | None = Field(description="Đơn vị soạn thảo")
    created_by: UserRef | None = Field(description="Người tạo (soạn thảo hoặc vào sổ)")
    channel: Channel = Field(description="Hình thức nhận (văn bản đến)")
    refusal_reason: str = Field(description="Lý do từ chối")
    presented_to: UserRef | None = Field(description="Lãnh đạo được trình")
    files: list[FileOut] = Field(description="Các phiên bản tệp")
    deliveries: list[DeliveryOut] = Field(description="Tình trạng gửi tới từng nơi nhận")
    comments: list[CommentOut] = Field(description="Ý kiến khi duyệt dự thảo")
    forwards: list[ForwardOut] = Field(description="Chuyển xử lý (văn bản đến)")

    @staticmethod
    def resolve_signer(obj) -> dict:
        return {
            "id": obj.signer.public_id if obj.signer_id else None,
            "full_name": obj.signer_name,
            "position": obj.signer_position,
            "competence": obj.signing_capacity,
        }

    @staticmethod
    def resolve_files(obj):
        return obj.files.select_related("derived_from")

    @staticmethod
    def resolve_deliveries(obj):
        return (
            obj.deliveries.select_related("recipient")
            .prefetch_related("events")
            .order_by("recipient__name")
        )

    @staticmethod
    def resolve_comments(obj):
        return obj.comments.select_related("author")

    @staticmethod
    def resolve_forwards(obj):
        return obj.forwards.select_related("to_user", "to_department", "by").order_by("at", "id")


class PageOut(Schema):
    count: int = Field(description="Tổng số kết quả")
    page: int = Field(description="Trang hiện tại (từ 1)")
    page_size: int = Field(description="Số kết quả mỗi trang")
    pages: int = Field(description="Tổng số trang")


class DocumentPage(PageOut):
    items: list[DocumentSummary]


class HistoryEventOut(Schema):
    at: datetime
    action: str = Field(description="Mã sự kiện, ví dụ document.issued")
    action_label: str = Field(description="Tên sự kiện")
    actor: UserRef | None = Field(description="Người thực hiện")
    note: str = Field(description="Ghi chú")
    before: dict | None
    after: dict | None


# --- query and request bodies -------------------------------------------------------------


class PageParams(Schema):
    page: int = Field(1, ge=1, description="Trang (từ 1)")
    page_size: int = Field(25, ge=1, le=100, description="Số kết quả mỗi trang (tối đa 100)")


class DocumentFilters(Schema):
    q: str = Field("", description="Tìm theo số, ký hiệu, trích yếu, cơ quan (không dấu cũng được)")
    type: str = Field("", description="Mã loại văn bản, ví dụ CV, QD")
    status: Status | None = Field(None, description="Trạng thái")
    urgency: Urgency | None = Field(None, description="Độ khẩn")
    issuer: str = Field("", description="Cơ quan ban hành (một phần tên)")
    direction: Direction | None = Field(None, description="incoming: văn bản đến; outgoing: đi")
    date_from: date | None = Field(
        None, alias="from", description="Từ ngày (ngày đến với văn bản đến, ngày ban hành với đi)"
    )
    date_to: date | None = Field(None, alias="to", description="Đến ngày")


class IncomingIn(Schema):
    agency: str = Field("", description="Mã định danh cơ quan vào sổ (nơi bạn là văn thư)")
    doc_type: str = Field("", description="Mã loại văn bản")
    code_number: str = Field("", description="Số")
    code_notation: str = Field("", description="Ký hiệu")
    issued_on: date | None = Field(None, description="Ngày ban hành")
    issuer_name: str = Field("", description="Cơ quan ban hành")
    issuer_code: str = Field("", description="Mã định danh cơ quan ban hành")
    subject: str = Field("", description="Trích yếu nội dung")
    signer_name: str = Field("", description="Người ký")
    signer_position: str = Field("", description="Chức vụ người ký")
    signing_capacity: str = Field("", description="Thẩm quyền ký: TM., KT., TL., TUQ., Q.")
    urgency: Urgency = Field(Urgency.NORMAL, description="Độ khẩn")
    secrecy: Secrecy = Field(Secrecy.NORMAL, description="Độ mật")
    due_on: date | None = Field(None, description="Hạn xử lý")
    page_amount: int | None = Field(None, description="Số trang")
    description: str = Field("", description="Ghi chú")
    channel: Channel = Field(Channel.ELECTRONIC, description="Hình thức nhận")
    confirm_duplicate: bool = Field(False, description="Đã kiểm tra, không phải văn bản trùng")


class OutgoingIn(Schema):
    agency: str = Field("", description="Mã định danh cơ quan ban hành (nơi bạn công tác)")
    doc_type: str = Field("", description="Mã loại văn bản")
    subject: str = Field("", description="Trích yếu nội dung")
    is_normative: bool = Field(False, description="Văn bản quy phạm pháp luật")
    department: str = Field("", description="Mã đơn vị soạn thảo, ví dụ KT")
    signer: UUID | None = Field(None, description="Người ký (id người dùng)")
    signing_capacity: str = Field("", description="Thẩm quyền ký: TM., KT., TL., TUQ., Q.")
    signer_position: str = Field("", description="Chức vụ người ký (mặc định theo vai trò)")
    recipients: list[str] = Field([], description="Mã định danh các nơi nhận điện tử")
    recipients_text: str = Field("", description="Nơi nhận (ghi trên văn bản)")
    urgency: Urgency = Field(Urgency.NORMAL, description="Độ khẩn")
    secrecy: Secrecy = Field(Secrecy.NORMAL, description="Độ mật")
    named_readers: list[UUID] = Field([], description="Người được xem văn bản mật")
    due_on: date | None = Field(None, description="Hạn xử lý")
    issued_amount: int | None = Field(None, description="Số lượng bản")
    description: str = Field("", description="Ghi chú")


class AcceptIn(Schema):
    confirm_duplicate: bool = Field(False, description="Đã kiểm tra, không phải văn bản trùng")


class RefuseIn(Schema):
    reason: str = Field("", description="Lý do từ chối, gửi lại cơ quan gửi")


class PresentIn(Schema):
    leader: UUID = Field(description="Lãnh đạo được trình (id người dùng)")


class ForwardIn(Schema):
    users: list[UUID] = Field([], description="Người nhận (id người dùng)")
    departments: list[str] = Field([], description="Mã phòng, ban nhận")
    note: str = Field("", description="Ý kiến chỉ đạo")


class Decision(StrEnum):
    APPROVE = "approve"
    RETURN = "return"


class ReviewIn(Schema):
    decision: Decision = Field(description="approve: đồng ý; return: trả lại dự thảo")
    comment: str = Field("", description="Ý kiến (bắt buộc khi trả lại)")


# --- directory ----------------------------------------------------------------------------


class PersonOut(Schema):
    id: UUID
    full_name: str = Field(description="Họ và tên")
    position: str = Field(description="Chức vụ")


class AgencyOut(Schema):
    code: str = Field(description="Mã định danh (QCVN 102)")
    code_qd20: str = Field(description="Mã định danh (QĐ 20/2020)")
    name: str = Field(description="Tên cơ quan")
    abbreviation: str = Field(description="Tên viết tắt")
    kind: str
    kind_label: str = Field(description="Loại cơ quan")
    parent: AgencyRef | None = Field(description="Cơ quan cấp trên")
    email: str = Field(description="Thư điện tử")
    valid_from: date = Field(description="Hiệu lực từ")
    valid_to: date | None = Field(description="Hiệu lực đến")
    successor: AgencyRef | None = Field(description="Cơ quan kế thừa")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class AgencyDetail(AgencyOut):
    departments: list[DepartmentRef] = Field(description="Phòng, ban")
    leaders: list[PersonOut] = Field(description="Lãnh đạo cơ quan (người ký, nhận trình)")

    @staticmethod
    def resolve_departments(obj):
        return obj.departments.order_by("code")

    @staticmethod
    def resolve_leaders(obj) -> list[dict]:
        memberships = (
            Membership.objects.current()
            .filter(agency=obj, role=Role.AGENCY_LEADER, user__is_active=True)
            .select_related("user", "position")
            .order_by("position__rank", "user__full_name")
        )
        return [
            {
                "id": m.user.public_id,
                "full_name": m.user.full_name,
                "position": m.position.name if m.position_id else "",
            }
            for m in memberships
        ]


class AgencyPage(PageOut):
    items: list[AgencyOut]


class AgencyFilters(Schema):
    q: str = Field("", description="Tìm theo tên, tên viết tắt hoặc mã định danh")


class MembershipOut(Schema):
    agency: AgencyRef
    department: DepartmentRef | None
    role: str
    role_label: str = Field(description="Vai trò")
    position: str | None = Field(description="Chức vụ")
    valid_from: date
    valid_to: date | None

    @staticmethod
    def resolve_role_label(obj) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_position(obj) -> str | None:
        return obj.position.name if obj.position_id else None


class MeOut(Schema):
    id: UUID
    username: str
    full_name: str = Field(description="Họ và tên")
    email: str
    phone: str
    memberships: list[MembershipOut] = Field(description="Vai trò đang có hiệu lực")

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_memberships(obj):
        return (
            Membership.objects.current()
            .filter(user=obj)
            .select_related("agency", "department", "position")
            .order_by("agency__name", "role")
        )


# --- processing: assignments (phiếu giao việc) -------------------------------------------


class AssignedDocument(Schema):
    id: UUID
    reference: str = Field(description="Số, ký hiệu đầy đủ")
    arrival_number: int | None = Field(description="Số đến")
    subject: str = Field(description="Trích yếu nội dung")

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id


class AssigneeOut(Schema):
    kind: str = Field(description="user hoặc department")
    id: UUID | None = Field(description="Id người dùng (khi giao cho người)")
    code: str | None = Field(description="Mã phòng, ban (khi giao cho đơn vị)")
    name: str = Field(description="Họ tên hoặc tên phòng, ban")


class AssignmentSummary(Schema):
    id: UUID
    document: AssignedDocument
    role: str = Field(description="lead (chủ trì), co (phối hợp), info (nhận để biết)")
    role_label: str
    status: str = Field(description="open, in_progress, done, cancelled")
    status_label: str
    assignee: AssigneeOut = Field(description="Người hoặc đơn vị được giao")
    assigned_by: UserRef = Field(description="Người giao")
    due_on: date | None = Field(description="Hạn xử lý")
    overdue: bool = Field(description="Đã quá hạn mà chưa xong")
    directive: str = Field(description="Ý kiến chỉ đạo")

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_role_label(obj) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_assignee(obj) -> dict:
        if obj.assignee_user_id:
            user = obj.assignee_user
            return {
                "kind": "user",
                "id": user.public_id,
                "code": None,
                "name": user.full_name or user.username,
            }
        department = obj.assignee_department
        return {"kind": "department", "id": None, "code": department.code, "name": department.name}

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.status in OPEN_STATUSES and obj.due_on is not None and obj.due_on < local_today()


class AssignmentOut(AssignmentSummary):
    result_note: str = Field(description="Kết quả xử lý")
    result_document: AssignedDocument | None = Field(description="Văn bản trả lời")
    completed_at: datetime | None = Field(description="Thời điểm hoàn thành")


class AssignmentPage(PageOut):
    items: list[AssignmentSummary]


class AssigneeIn(Schema):
    user: UUID | None = Field(None, description="Id người được giao")
    department: str | None = Field(None, description="Mã phòng, ban được giao")


class AssignIn(Schema):
    lead: AssigneeIn = Field(description="Chủ trì (đúng một người hoặc một phòng, ban)")
    co: list[AssigneeIn] = Field([], description="Phối hợp")
    info: list[AssigneeIn] = Field([], description="Nhận để biết")
    due_on: date | None = Field(None, description="Hạn xử lý theo ngày")
    due_working_days: int | None = Field(
        None, description="Hoặc: hạn xử lý sau N ngày làm việc (không cùng due_on)"
    )
    directive: str = Field("", description="Ý kiến chỉ đạo")


class ProgressIn(Schema):
    text: str = Field(description="Nội dung tiến độ")


class CompleteIn(Schema):
    result_note: str = Field(description="Kết quả xử lý")
    result_document: UUID | None = Field(None, description="Id văn bản trả lời (nếu có)")
