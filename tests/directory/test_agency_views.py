"""Agency list, detail and forms; department forms."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from vanthu.audit.models import AuditEvent
from vanthu.directory.models import Agency, Department

FORM = {
    "code": "000.00.00.H47",
    "code_qd20": "H47",
    "name": "Ủy ban nhân dân tỉnh Quảng Nam",
    "abbreviation": "UBND",
    "kind": "province_committee",
    "parent": "",
    "email": "",
    "valid_from": "2000-01-01",
    "valid_to": "",
    "successor": "",
}


def test_the_list_finds_names_without_diacritics(admin_client, world):
    response = admin_client.get(reverse("directory:index"), {"q": "hung nguyen"})
    page = response.content.decode()
    assert "Ủy ban nhân dân xã Hưng Nguyên" in page
    assert "Sở Tài chính" not in page


def test_the_list_finds_names_typed_with_diacritics_and_codes(admin_client, world):
    page = admin_client.get(reverse("directory:index"), {"q": "Sở tài chính"}).content.decode()
    assert world.stc.code in page and world.xa.code not in page
    page = admin_client.get(reverse("directory:index"), {"q": "001.00.10"}).content.decode()
    assert world.xa.name in page and world.stc.name not in page


def test_the_list_marks_agencies_that_ended(admin_client, world):
    world.xa.valid_to = date(2025, 6, 30)
    world.xa.save()
    page = admin_client.get(reverse("directory:index")).content.decode()
    assert page.count("hết hiệu lực") == 1
    page = admin_client.get(reverse("directory:index"), {"status": "active"}).content.decode()
    assert world.xa.name not in page and world.stc.name in page


def test_the_list_is_paginated(admin_client, world):
    Agency.objects.bulk_create(
        Agency(code=f"{i:03d}.00.00.H14", name=f"Cơ quan {i:03d}", abbreviation="CQ")
        for i in range(30)
    )
    first = admin_client.get(reverse("directory:index"), {"q": "co quan"}).content.decode()
    assert "Trang 1 / 2" in first and "Cơ quan 024" in first and "Cơ quan 025" not in first
    second = admin_client.get(reverse("directory:index"), {"q": "co quan", "page": 2})
    assert "Cơ quan 029" in second.content.decode()


def test_the_detail_shows_departments_people_children_and_successor(admin_client, world):
    world.xa.valid_to, world.xa.successor = date(2025, 6, 30), world.ubnd
    world.xa.save()
    page = admin_client.get(reverse("directory:agency_detail", args=[world.ubnd.code]))
    text = page.content.decode()
    for expected in ["Văn phòng UBND tỉnh", "Nguyễn Thị Văn Thư", "Văn thư", world.stc.name]:
        assert expected in text
    assert "Kế thừa từ" in text and world.xa.name in text
    text = admin_client.get(reverse("directory:agency_detail", args=[world.xa.code])).content
    assert "Cơ quan kế thừa" in text.decode()


def test_creating_an_agency_with_a_malformed_code_shows_the_error_and_saves_nothing(
    admin_client, world
):
    response = admin_client.post(
        reverse("directory:agency_create"), FORM | {"code": "000.00.00.H4"}
    )
    assert response.status_code == 400
    assert "Mã định danh theo QCVN 102 phải đủ 13 ký tự (đang có 12)." in response.content.decode()
    assert not Agency.objects.filter(name=FORM["name"]).exists()
    assert not AuditEvent.objects.filter(action="directory.agency_created").exists()


def test_creating_an_agency_with_an_unknown_parent_code_is_refused(admin_client, world):
    response = admin_client.post(
        reverse("directory:agency_create"), FORM | {"parent": "999.00.00.H47"}
    )
    assert "Không tìm thấy cơ quan có mã định danh «999.00.00.H47»." in response.content.decode()
    assert not Agency.objects.filter(code=FORM["code"]).exists()


def test_creating_an_agency_redirects_to_it(admin_client, world):
    response = admin_client.post(
        reverse("directory:agency_create"), FORM | {"parent": world.ubnd.code}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:agency_detail", args=[FORM["code"]])
    assert Agency.objects.get(code=FORM["code"]).parent == world.ubnd
    assert AuditEvent.objects.filter(action="directory.agency_created", actor=world.admin).exists()


def test_editing_shows_the_successor_rule(admin_client, world):
    url = reverse("directory:agency_edit", args=[world.xa.code])
    form = admin_client.get(url).context["form"]
    data = {k: v if v is not None else "" for k, v in form.initial.items()}
    response = admin_client.post(url, data | {"successor": world.ubnd.code})
    assert response.status_code == 400
    assert "Chỉ ghi cơ quan kế thừa khi cơ quan đã có ngày hết hiệu lực." in (
        response.content.decode()
    )
    response = admin_client.post(
        url, data | {"successor": world.ubnd.code, "valid_to": "2025-06-30"}
    )
    assert response.status_code == 302
    world.xa.refresh_from_db()
    assert world.xa.successor == world.ubnd


def test_adding_and_editing_a_department(admin_client, world):
    url = reverse("directory:department_create", args=[world.stc.code])
    response = admin_client.post(url, {"code": "TH", "name": "Phòng Tổng hợp"})
    assert response.status_code == 302
    url = reverse("directory:department_edit", args=[world.stc.code, "TH"])
    response = admin_client.post(url, {"code": "NS", "name": "Trùng mã"})
    assert "Mã đơn vị này đã có trong cơ quan." in response.content.decode()
    assert Department.objects.get(agency=world.stc, code="TH").name == "Phòng Tổng hợp"
