"""The register, registration and revocation pages: allowed and denied, and what they write."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.delegation.helpers import delegate
from vanthu.audit.models import AuditEvent
from vanthu.delegation.models import Delegation
from vanthu.documents.numbering import local_today

REGISTER = "/uy-quyen/"
CREATE = "/uy-quyen/dang-ky/"


def _form(world, **fields):
    today = local_today()
    data = {
        "principal": world.leader_ubnd.pk,
        "delegate": world.deputy_ubnd.pk,
        "power": "sign",
        "capacity": "KT.",
        "valid_from": today.isoformat(),
        "valid_to": (today + timedelta(days=2)).isoformat(),
        "reason": "Đi công tác Trung ương",
    }
    data.update(fields)
    return data


def test_urls_are_where_the_lead_mounted_them():
    assert reverse("delegation:register") == REGISTER
    assert reverse("delegation:create") == CREATE


def test_the_register_shows_active_upcoming_and_past_to_the_agency_staff(world, login):
    delegate(world)
    delegate(world, world.leader_ubnd, world.dept_leader_ubnd, start=5, days=1)
    past = delegate(world, world.leader_ubnd, world.deputy_ubnd, power="handle", capacity="")
    Delegation.objects.filter(pk=past.pk).update(
        valid_from=local_today() - timedelta(days=9), valid_to=local_today() - timedelta(days=2)
    )
    page = login(world.clerk_ubnd).get(REGISTER)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sổ ủy quyền — Ủy ban nhân dân tỉnh Nghệ An" in html
    assert "Đang có hiệu lực (1)" in html and "Sắp có hiệu lực (1)" in html
    assert "Lê Thị Phó" in html and "Phạm Văn Trưởng Phòng" in html
    assert "đã hết hạn" in html
    # The clerk reads the register but cannot revoke the chairman's delegations.
    assert "/thu-hoi/" not in html
    assert "/thu-hoi/" in login(world.leader_ubnd).get(REGISTER).content.decode()


def test_the_register_of_one_agency_is_not_shown_to_another(world, login):
    delegate(world)
    html = login(world.clerk_stc).get(REGISTER).content.decode()
    assert "Sở Tài chính tỉnh Nghệ An" in html and "Lê Thị Phó" not in html
    # Asking for UBND's register by code is refused: STC's clerk holds no role there.
    assert login(world.clerk_stc).get(f"{REGISTER}?agency={world.ubnd.code}").status_code == 404


def test_an_outsider_gets_404(world, login):
    client = login(world.outsider)
    assert client.get(REGISTER).status_code == 404
    assert client.get(CREATE).status_code == 404
    assert client.post(CREATE, _form(world)).status_code == 404
    assert not Delegation.objects.exists()


def test_the_form_defaults_to_the_current_user_as_principal(world, login):
    html = login(world.leader_ubnd).get(CREATE).content.decode()
    assert f'<option value="{world.leader_ubnd.pk}" selected>' in html
    assert 'type="date"' in html and "TUQ. (thừa ủy quyền)" in html


def test_a_leader_registers_through_the_form(world, login):
    response = login(world.leader_ubnd).post(CREATE, _form(world))
    assert response.status_code == 302
    d = Delegation.objects.get()
    assert (d.delegate, d.capacity, d.created_by) == (world.deputy_ubnd, "KT.", world.leader_ubnd)
    assert AuditEvent.objects.filter(action="delegation.created", actor=world.leader_ubnd).exists()
    page = login(world.leader_ubnd).get(response["Location"]).content.decode()
    assert "Đã đăng ký: Trần Văn Chủ Tịch ủy quyền ký thay" in page


def test_a_specialist_cannot_register_for_the_leader(world, login):
    response = login(world.specialist_ubnd).post(CREATE, _form(world))
    assert response.status_code == 400
    assert "Chỉ người ủy quyền, lãnh đạo cơ quan hoặc quản trị" in response.content.decode()
    assert not Delegation.objects.exists()


def test_bad_input_is_answered_in_vietnamese_and_saves_nothing(world, login):
    client = login(world.leader_ubnd)
    response = client.post(CREATE, _form(world, delegate="", reason="", valid_to="2000-01-01"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Chưa chọn người được ủy quyền." in html
    assert "Hãy ghi lý do ủy quyền" in html
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi." in html
    response = client.post(CREATE, _form(world, valid_from="31/02/2026"))
    assert response.status_code == 400
    assert not Delegation.objects.exists()


def test_the_tuq_delegate_is_refused_through_the_form(world, login):
    delegate(world, capacity="TUQ.")
    form = _form(world, delegate=world.dept_leader_ubnd.pk)
    form["valid_from"] = (local_today() + timedelta(days=10)).isoformat()
    form["valid_to"] = (local_today() + timedelta(days=11)).isoformat()
    response = login(world.deputy_ubnd).post(CREATE, form)
    assert response.status_code == 400
    assert "không được ủy quyền lại" in response.content.decode()
    assert Delegation.objects.count() == 1


@pytest.fixture
def delegation(world):
    return delegate(world)


def _revoke_url(d):
    return reverse("delegation:revoke", kwargs={"public_id": d.public_id})


def test_revoke_asks_for_confirmation_then_revokes(world, login, delegation):
    client = login(world.leader_ubnd)
    page = client.get(_revoke_url(delegation))
    assert page.status_code == 200
    assert "Xác nhận thu hồi" in page.content.decode()
    delegation.refresh_from_db()
    assert delegation.revoked_at is None  # a GET changes nothing
    response = client.post(_revoke_url(delegation), {"reason": "Đã về cơ quan"})
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.revoked_by == world.leader_ubnd
    assert AuditEvent.objects.get(action="delegation.revoked").note == "Đã về cơ quan"
    again = client.get(_revoke_url(delegation)).content.decode()
    assert "đã được thu hồi" in again and "Xác nhận thu hồi" not in again


@pytest.mark.parametrize(
    ("who", "status"),
    [("clerk_ubnd", 403), ("specialist_ubnd", 403), ("outsider", 404), ("leader_stc", 404)],
)
def test_revoke_is_denied_to_others(world, login, delegation, who, status):
    client = login(getattr(world, who))
    assert client.get(_revoke_url(delegation)).status_code == status
    assert client.post(_revoke_url(delegation), {"reason": "x"}).status_code == status
    delegation.refresh_from_db()
    assert delegation.revoked_at is None


def test_an_admin_may_revoke(world, login, delegation):
    assert login(world.admin).post(_revoke_url(delegation)).status_code == 302
    delegation.refresh_from_db()
    assert delegation.revoked_by == world.admin
