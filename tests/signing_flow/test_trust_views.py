"""The trust store page (administrators only) and the agency policy page (its leaders and
administrators): allowed and denied personas, bad uploads with Vietnamese errors, audit."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vanthu.audit.models import AuditEvent
from vanthu.signing.models import SigningPolicy, TrustedCertificate
from vanthu.signing.pki import DemoPki


@pytest.fixture(scope="module")
def pki():
    return DemoPki()


def _upload(client, content: bytes, name: str = "ca.pem"):
    return client.post(
        reverse("trust:index"),
        {"certificate": SimpleUploadedFile(name, content), "note": "CA thử nghiệm"},
    )


@pytest.mark.parametrize("persona", ["clerk_ubnd", "leader_ubnd", "specialist_ubnd", "outsider"])
def test_non_administrators_get_403(world, client, persona, pki):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("trust:index")).status_code == 403
    assert _upload(client, pki.root.cert_pem).status_code == 403
    assert not TrustedCertificate.objects.exists()


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("trust:index"))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_an_administrator_adds_lists_and_deactivates(world, client, pki):
    client.force_login(world.admin)
    page = client.get(reverse("trust:index"))
    assert page.status_code == 200 and "Kho chưa có chứng thư CA nào." in page.content.decode()

    response = _upload(client, pki.root.cert_der, "root.cer")
    assert response.status_code == 302
    record = TrustedCertificate.objects.get()
    page = client.get(reverse("trust:index")).content.decode()
    assert "Root CA Quốc gia (Thử nghiệm)" in page and record.sha256 in page
    assert "CA gốc" in page and "Đang tin cậy" in page

    confirm = client.get(reverse("trust:deactivate", args=[record.public_id]))
    assert confirm.status_code == 200 and "Xác nhận ngừng tin cậy" in confirm.content.decode()
    assert TrustedCertificate.objects.get().active  # a GET changes nothing
    response = client.post(reverse("trust:deactivate", args=[record.public_id]))
    assert response.status_code == 302 and not TrustedCertificate.objects.get().active
    assert "Đã ngừng tin cậy" in client.get(reverse("trust:index")).content.decode()
    assert list(
        AuditEvent.objects.filter(object_id=str(record.public_id)).values_list("action", "actor")
    ) == [("signing.trust_added", world.admin.pk), ("signing.trust_deactivated", world.admin.pk)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hello", "Tệp không phải chứng thư số X.509"),
        ("leaf", "không phải chứng thư số của tổ chức cung cấp dịch vụ chứng thực (CA)"),
        ("duplicate", "Chứng thư số này đã có trong kho"),
    ],
)
def test_bad_uploads_are_shown_in_the_form(world, client, pki, content, message):
    client.force_login(world.admin)
    if content == "leaf":
        content = pki.ocsp.cert_pem
    elif content == "duplicate":
        assert _upload(client, pki.ca.cert_pem).status_code == 302
        content = pki.ca.cert_pem
    response = _upload(client, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert TrustedCertificate.objects.count() == (
        1 if message.startswith("Chứng thư số này") else 0
    )


def test_an_upload_without_a_file_asks_for_one(world, client):
    client.force_login(world.admin)
    response = client.post(reverse("trust:index"), {"note": ""})
    assert response.status_code == 400 and "Hãy chọn tệp chứng thư số." in response.content.decode()


def test_deactivating_an_unknown_certificate_is_404(world, client):
    client.force_login(world.admin)
    url = reverse("trust:deactivate", args=["00000000-0000-0000-0000-000000000000"])
    assert client.post(url).status_code == 404


# -- agency policy page --------------------------------------------------------------------


def test_a_leader_sets_the_policy_of_their_agency(world, client):
    client.force_login(world.leader_stc)
    url = reverse("trust:policy")
    page = client.get(url)
    assert page.status_code == 200 and "Sở Tài chính" in page.content.decode()
    response = client.post(url + f"?agency={world.stc.code}", {"refuse_unsigned": "on"})
    assert response.status_code == 302
    saved = SigningPolicy.objects.get(agency=world.stc)
    assert (
        saved.refuse_unsigned and not saved.refuse_invalid and saved.updated_by == world.leader_stc
    )
    page = client.get(response["Location"]).content.decode()
    assert "Đã lưu quy định tiếp nhận văn bản ký số." in page and "checked" in page
    assert AuditEvent.objects.filter(action="signing.policy_updated", agency=world.stc).exists()


def test_a_leader_cannot_open_another_agencys_policy(world, client):
    client.force_login(world.leader_ubnd)
    response = client.post(reverse("trust:policy") + f"?agency={world.stc.code}", {})
    # Another agency's code falls back to none of theirs: refused, nothing saved.
    assert response.status_code == 403
    assert not SigningPolicy.objects.filter(agency=world.stc).exists()


@pytest.mark.parametrize("persona", ["clerk_stc", "specialist_stc", "outsider"])
def test_clerks_and_specialists_get_403_on_the_policy(world, client, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("trust:policy")).status_code == 403


def test_an_administrator_sets_any_agencys_policy(world, client):
    client.force_login(world.admin)
    url = reverse("trust:policy") + f"?agency={world.stc.code}"
    response = client.post(url, {"refuse_invalid": "on"})
    assert response.status_code == 302
    assert SigningPolicy.objects.get(agency=world.stc).refuse_invalid
