"""The register pages: who may open them, the preview, and the answers to bad input."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.reports.make import issue_outgoing, moment, register_incoming
from vanthu.directory.models import Membership, Role
from vanthu.reports import views

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def _query(world, register="van-ban-den", **extra):
    return {"agency": world.ubnd.code, "register": register, **MARCH, **extra}


def _preview(client, params):
    return client.get(reverse("reports:register"), params)


def test_index_offers_the_registers_and_the_current_month(client, world):
    client.force_login(world.clerk_ubnd)
    response = client.get(reverse("reports:index"))
    body = response.content.decode()
    assert response.status_code == 200
    for name in (
        "Sổ đăng ký văn bản đi",
        "Sổ đăng ký văn bản đến",
        "Sổ gửi văn bản đi bưu điện",
        "Sổ sử dụng bản lưu",
        "Sổ theo dõi giải quyết văn bản đến",
    ):
        assert name in body
    assert f'value="{timezone.localdate():%Y-%m}-01"' in body
    assert world.ubnd.name in body and world.stc.name not in body


def test_the_register_page_without_a_choice_offers_the_form(client, world):
    client.force_login(world.clerk_ubnd)
    response = client.get(reverse("reports:register"))
    assert response.status_code == 200 and "Xem sổ" in response.content.decode()
    client.force_login(world.outsider)
    assert client.get(reverse("reports:register")).status_code == 404


def test_leader_may_open_the_registers(client, world):
    client.force_login(world.leader_ubnd)
    assert client.get(reverse("reports:index")).status_code == 200
    assert _preview(client, _query(world)).status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "specialist_ubnd", "dept_leader_ubnd"])
@pytest.mark.parametrize("export", ["", "pdf", "xlsx"])
def test_users_without_a_register_role_get_404(client, world, persona, export):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("reports:index")).status_code == 404
    assert _preview(client, _query(world, format=export)).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client, world):
    response = _preview(client, _query(world))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]


def test_preview_shows_the_register_page_by_page(client, world, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    register_incoming(world, "Về việc thứ nhất của tháng", at=moment(date(2026, 3, 3)))
    register_incoming(
        world, "Về việc thứ hai của tháng", at=moment(date(2026, 3, 4)), number_text="13"
    )
    client.force_login(world.clerk_ubnd)
    first = _preview(client, _query(world)).content.decode()
    assert "Sổ đăng ký văn bản đến" in first and "Từ ngày 01/03/2026 đến ngày 31/03/2026" in first
    assert "Về việc thứ nhất của tháng" in first and "Về việc thứ hai" not in first
    assert '<td class="date">03/03/2026</td><td class="ordinal">01</td>' in first
    assert "Trang 1 / 2" in first and "format=pdf" in first
    second = _preview(client, _query(world, page="2")).content.decode()
    assert "Về việc thứ hai của tháng" in second


def test_preview_hides_a_secret_document_from_a_clerk_not_named_on_it(client, world):
    issue_outgoing(world, "Về việc bảo vệ bí mật nhà nước", on=date(2026, 3, 5), secret=True)
    client.force_login(world.clerk_ubnd)
    body = _preview(client, _query(world, register="van-ban-di")).content.decode()
    assert "bí mật nhà nước" not in body and "Không có văn bản nào" in body
    client.force_login(world.leader_ubnd)
    body = _preview(client, _query(world, register="van-ban-di")).content.decode()
    assert "Về việc bảo vệ bí mật nhà nước" in body


BAD_INPUT = [
    ({"from": "2026-03-31", "to": "2026-03-01"}, "«Từ ngày» phải trước hoặc trùng «Đến ngày»."),
    ({"from": "31-02-2026"}, "«Từ ngày» không phải ngày hợp lệ (ngày/tháng/năm)."),
    ({"to": ""}, "Chưa nhập «Đến ngày»."),
    ({"to": "9999-12-31"}, "Ngày phải trong khoảng từ năm 1900 đến năm 2999."),
    ({"register": "so-bi-mat"}, "Loại sổ không tồn tại."),
    ({"agency": "000.05.00.H41"}, "Bạn không được xem sổ của cơ quan này"),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUT)
def test_bad_input_is_explained_on_the_page(client, world, change, message):
    client.force_login(world.clerk_ubnd)
    response = _preview(client, {**_query(world), **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize(("change", "message"), BAD_INPUT)
@pytest.mark.parametrize("export", ["pdf", "xlsx"])
def test_bad_input_to_an_export_is_a_400(client, world, change, message, export):
    client.force_login(world.clerk_ubnd)
    response = _preview(client, {**_query(world, format=export), **change})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


def test_an_unknown_export_format_is_a_400(client, world):
    client.force_login(world.clerk_ubnd)
    response = _preview(client, _query(world, format="docx"))
    assert response.status_code == 400
    assert "Định dạng xuất không được hỗ trợ" in response.content.decode()


def test_a_clerk_of_two_agencies_chooses_between_them(client, world):
    Membership.objects.create(user=world.clerk_ubnd, agency=world.stc, role=Role.CLERK)
    client.force_login(world.clerk_ubnd)
    body = client.get(reverse("reports:index")).content.decode()
    assert world.ubnd.name in body and world.stc.name in body
    response = _preview(client, {**_query(world), "agency": world.stc.code})
    assert response.status_code == 200 and world.stc.name in response.content.decode()
