"""Named personas for tests, one per agency and role (STYLE: tests).

Three agencies of one province: the provincial People's Committee (UBND tỉnh), its
Department of Finance (Sở Tài chính) and a commune (UBND xã). `outsider` holds no role.
Every persona's password is PASSWORD.
"""

from __future__ import annotations

from dataclasses import dataclass

from vanthu.directory.models import Agency, Department, Membership, Position, Role, User

PASSWORD = "matkhau-thu-nghiem-2026"


@dataclass
class World:
    ubnd: Agency
    stc: Agency
    xa: Agency
    vp_ubnd: Department  # Văn phòng UBND tỉnh
    kt_ubnd: Department  # Phòng Kinh tế
    ns_stc: Department  # Phòng Ngân sách, Sở Tài chính
    clerk_ubnd: User
    leader_ubnd: User
    deputy_ubnd: User
    dept_leader_ubnd: User
    specialist_ubnd: User
    specialist2_ubnd: User
    clerk_stc: User
    leader_stc: User
    dept_leader_stc: User
    specialist_stc: User
    clerk_xa: User
    leader_xa: User
    admin: User
    outsider: User


def _user(username: str, full_name: str) -> User:
    user = User(username=username, full_name=full_name, email=f"{username}@example.gov.vn")
    user.set_password(PASSWORD)
    user.save()
    return user


def _member(user, agency, role, department=None, position=None):
    Membership.objects.create(
        user=user, agency=agency, role=role, department=department, position=position
    )
    return user


def build_world() -> World:
    chu_tich, _ = Position.objects.get_or_create(name="Chủ tịch", defaults={"rank": 1})
    pho_chu_tich, _ = Position.objects.get_or_create(name="Phó Chủ tịch", defaults={"rank": 2})
    giam_doc, _ = Position.objects.get_or_create(name="Giám đốc", defaults={"rank": 3})
    truong_phong, _ = Position.objects.get_or_create(name="Trưởng phòng", defaults={"rank": 10})
    chuyen_vien, _ = Position.objects.get_or_create(name="Chuyên viên", defaults={"rank": 30})
    van_thu, _ = Position.objects.get_or_create(name="Văn thư", defaults={"rank": 40})

    ubnd = Agency.objects.create(
        code="000.00.00.H41",
        name="Ủy ban nhân dân tỉnh Nghệ An",
        abbreviation="UBND",
        kind=Agency.Kind.PROVINCE_COMMITTEE,
    )
    stc = Agency.objects.create(
        code="000.05.00.H41",
        name="Sở Tài chính tỉnh Nghệ An",
        abbreviation="STC",
        kind=Agency.Kind.PROVINCE_DEPARTMENT,
        parent=ubnd,
    )
    xa = Agency.objects.create(
        code="001.00.10.H41",
        name="Ủy ban nhân dân xã Hưng Nguyên",
        abbreviation="UBND",
        kind=Agency.Kind.COMMUNE_COMMITTEE,
        parent=ubnd,
    )
    vp_ubnd = Department.objects.create(agency=ubnd, code="VP", name="Văn phòng UBND tỉnh")
    kt_ubnd = Department.objects.create(agency=ubnd, code="KT", name="Phòng Kinh tế")
    ns_stc = Department.objects.create(agency=stc, code="NS", name="Phòng Ngân sách")

    w = World(
        ubnd=ubnd,
        stc=stc,
        xa=xa,
        vp_ubnd=vp_ubnd,
        kt_ubnd=kt_ubnd,
        ns_stc=ns_stc,
        clerk_ubnd=_member(
            _user("clerk_ubnd", "Nguyễn Thị Văn Thư"), ubnd, Role.CLERK, vp_ubnd, van_thu
        ),
        leader_ubnd=_member(
            _user("leader_ubnd", "Trần Văn Chủ Tịch"), ubnd, Role.AGENCY_LEADER, None, chu_tich
        ),
        deputy_ubnd=_member(
            _user("deputy_ubnd", "Lê Thị Phó"), ubnd, Role.AGENCY_LEADER, None, pho_chu_tich
        ),
        dept_leader_ubnd=_member(
            _user("dept_leader_ubnd", "Phạm Văn Trưởng Phòng"),
            ubnd,
            Role.DEPARTMENT_LEADER,
            kt_ubnd,
            truong_phong,
        ),
        specialist_ubnd=_member(
            _user("specialist_ubnd", "Hoàng Văn Chuyên"),
            ubnd,
            Role.SPECIALIST,
            kt_ubnd,
            chuyen_vien,
        ),
        specialist2_ubnd=_member(
            _user("specialist2_ubnd", "Đỗ Thị Hai"), ubnd, Role.SPECIALIST, vp_ubnd, chuyen_vien
        ),
        clerk_stc=_member(_user("clerk_stc", "Vũ Thị Thư Sở"), stc, Role.CLERK, None, van_thu),
        leader_stc=_member(
            _user("leader_stc", "Đặng Văn Giám Đốc"), stc, Role.AGENCY_LEADER, None, giam_doc
        ),
        dept_leader_stc=_member(
            _user("dept_leader_stc", "Bùi Thị Ngân"),
            stc,
            Role.DEPARTMENT_LEADER,
            ns_stc,
            truong_phong,
        ),
        specialist_stc=_member(
            _user("specialist_stc", "Ngô Văn Tài"), stc, Role.SPECIALIST, ns_stc, chuyen_vien
        ),
        clerk_xa=_member(_user("clerk_xa", "Lý Thị Xã"), xa, Role.CLERK, None, van_thu),
        leader_xa=_member(_user("leader_xa", "Mai Văn Xã"), xa, Role.AGENCY_LEADER, None, chu_tich),
        admin=_member(_user("admin", "Quản Trị Viên"), ubnd, Role.ADMIN),
        outsider=_user("outsider", "Người Ngoài"),
    )
    return w
