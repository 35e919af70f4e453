"""The monitoring pages: who sees which agencies, the drill-down, the exports and bad input."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.monitoring.province import PERIOD, build_province
from vanthu.monitoring import queries

DASHBOARD = reverse("monitoring:dashboard")
OFFICIALS = reverse("monitoring:officials")


def _indicator(slug):
    return reverse("monitoring:indicator", kwargs={"slug": slug})


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content)).active


def _rows(response):
    return [list(r) for r in _sheet(response).iter_rows(values_only=True)]


def test_a_leader_sees_their_agency_and_those_below_it(client, world):
    client.force_login(world.leader_stc)
    body = client.get(DASHBOARD).content.decode()
    assert world.stc.name in body
    assert world.ubnd.name not in body and world.xa.name not in body
    client.force_login(world.leader_ubnd)
    body = client.get(DASHBOARD).content.decode()
    assert all(a.name in body for a in (world.ubnd, world.stc, world.xa))


def test_administrators_see_every_agency(client, world):
    client.force_login(world.admin)
    response = client.get(DASHBOARD)
    body = response.content.decode()
    assert response.status_code == 200
    assert all(a.name in body for a in (world.ubnd, world.stc, world.xa))
    assert "Toàn bộ phạm vi giám sát" in body


@pytest.mark.parametrize("persona", ["specialist_stc", "clerk_stc", "dept_leader_stc", "outsider"])
def test_people_without_a_monitoring_role_get_404(client, world, persona):
    client.force_login(getattr(world, persona))
    urls = [
        DASHBOARD,
        f"{DASHBOARD}?format=xlsx",
        f"{OFFICIALS}?agency={world.stc.code}",
        f"{_indicator(queries.PAPER)}?agency={world.stc.code}",
        f"{_indicator(queries.PAPER)}?agency={world.stc.code}&format=xlsx",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "next=" in response["Location"]


def test_a_leader_cannot_drill_into_an_agency_outside_their_scope(client, world):
    client.force_login(world.leader_stc)
    for url in (
        f"{_indicator(queries.PAPER)}?agency={world.ubnd.code}",
        f"{OFFICIALS}?agency={world.ubnd.code}",
        f"{OFFICIALS}?agency=khong-co",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"{_indicator('khong-co')}?agency={world.stc.code}").status_code == 404


def test_bad_periods_and_formats_are_answered_in_vietnamese(client, world):
    client.force_login(world.admin)
    response = client.get(DASHBOARD, {"from": "2026-05-01", "to": "2026-04-01"})
    assert response.status_code == 400
    assert "«Từ ngày» phải trước hoặc trùng «Đến ngày»" in response.content.decode()
    response = client.get(DASHBOARD, {"from": "31/02/2026", "to": "2026-04-01", "format": "xlsx"})
    assert response.status_code == 400 and "không phải ngày hợp lệ" in response.content.decode()
    response = client.get(DASHBOARD, {"from": "2026-01-01", "to": "2027-06-01"})
    assert response.status_code == 400 and "tối đa một năm" in response.content.decode()
    response = client.get(DASHBOARD, {"from": "2026-01-01"})
    assert response.status_code == 400 and "cả «Từ ngày» và «Đến ngày»" in response.content.decode()
    response = client.get(DASHBOARD, {"format": "pdf"})
    assert response.status_code == 400 and "xlsx" in response.content.decode()


def test_dashboard_drill_down_and_exports(client, world):
    province = build_province(world)
    client.force_login(world.leader_ubnd)

    page = client.get(DASHBOARD, PERIOD).content.decode()
    assert f"?from=2026-04-01&amp;to=2026-05-31&amp;agency={world.stc.code}" in page
    assert 'class="badge late"' in page  # above threshold: the late registrations at STC
    assert "1 chưa kiểm tra" in page

    rows = _rows(client.get(DASHBOARD, {**PERIOD, "format": "xlsx"}))
    header = rows[3]
    stc = next(r for r in rows if r[1] == world.stc.code)
    late = header.index("Văn bản đến chưa vào sổ đúng hạn — số lượng")
    assert stc[late : late + 3] == [3, 4, 0.75]
    paper = header.index("Văn bản đến nhận bản giấy — số lượng")
    ubnd = next(r for r in rows if r[1] == world.ubnd.code)
    assert ubnd[paper : paper + 3] == [1, 2, 0.5]
    assert ubnd[-1] == 1  # one issued document never checked
    assert rows[-1][0] == "Toàn bộ phạm vi giám sát"

    params = {**PERIOD, "agency": world.stc.code}
    page = client.get(_indicator(queries.LATE_REGISTRATION), params).content.decode()
    assert "3 trường hợp" in page and "Chưa vào sổ" in page
    assert (
        reverse("web:document_detail", kwargs={"public_id": province.left_at_01.public_id}) in page
    )
    assert province.on_time.subject not in page

    rows = _rows(client.get(_indicator(queries.LATE_REGISTRATION), {**params, "format": "xlsx"}))
    assert rows[0][0] == "Văn bản đến chưa vào sổ đúng hạn"
    assert rows[3] == [
        "Cơ quan",
        "Số, ký hiệu",
        "Trích yếu",
        "Ngày đến",
        "Hạn vào sổ",
        "Vào sổ lúc",
    ]
    subjects = {r[2] for r in rows[4:]}
    assert subjects == {
        province.late_weekend.subject,
        province.late_holiday.subject,
        province.left_at_01.subject,
    }
    never = next(r for r in rows[4:] if r[2] == province.left_at_01.subject)
    assert never[3].isoformat() == "2026-04-20T09:00:00" and never[5] == "Chưa vào sổ"

    rows = _rows(client.get(_indicator(queries.UNSIGNED), {**PERIOD, "format": "xlsx"}))
    assert {(r[2], r[5]) for r in rows[4:]} == {
        (province.unsigned.subject, "Thiếu cả chữ ký cá nhân và chữ ký cơ quan"),
        (province.unchecked.subject, "Chưa kiểm tra"),
    }

    page = client.get(OFFICIALS, params).content.decode()
    assert world.clerk_stc.full_name in page and world.specialist_stc.full_name in page
    rows = _rows(client.get(OFFICIALS, {**params, "format": "xlsx"}))
    clerk = next(r for r in rows if r[1] == world.clerk_stc.username)
    assert clerk[2] == 2


def test_the_dashboard_defaults_to_the_current_month(client, world):
    client.force_login(world.admin)
    body = client.get(DASHBOARD).content.decode()
    assert "Từ ngày 01/" in body
    page = client.get(_indicator(queries.OVERDUE)).content.decode()
    assert "Toàn bộ phạm vi giám sát" in page
