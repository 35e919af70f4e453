"""The electronic-copy page (/ban-sao/van-ban/<id>/tao/): the holding agency's clerk makes a
sao y or trích sao, everyone else gets 404, and every refusal is shown in the form."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.documents.helpers import counts, register
from tests.documents.test_copies import three_pages
from tests.signing import tools
from tests.signing_flow import conftest as signing_flow
from vanthu.audit.models import AuditEvent
from vanthu.documents.models import CopyForm, Document, NumberCounter
from vanthu.signing import actions as signing
from vanthu.signing.pki import DEFAULT_PASSWORD

# The PKCS#12 seal of UBND tỉnh (DemoPki), unlocked by the server through an env variable.
flow_pki = signing_flow.flow_pki
agency_credential = signing_flow.agency_credential


def _url(doc) -> str:
    return reverse("copies:create", args=[doc.public_id])


@pytest.fixture
def incoming(world):
    return register(world, file_content=three_pages())


def _radios(html: str) -> list[str]:
    return re.findall(r'<input type="radio" name="copy_form" value="(\w+)"', html)


def _copies() -> list[Document]:
    return list(Document.objects.exclude(copy_form=""))


def test_clerk_makes_a_sao_y(client, world, incoming, agency_credential):
    client.force_login(world.clerk_ubnd)
    page = client.get(_url(incoming))
    assert page.status_code == 200
    html = page.content.decode()
    assert _radios(html) == ["sao_y", "trich_sao"] and "signing_secret" not in html

    response = client.post(_url(incoming), {"copy_form": "sao_y", "recipients_text": "Lưu: VT."})
    [copy] = _copies()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:document_detail", args=[copy.public_id])
    assert copy.reference == "01/BSY-UBND" and copy.copy_of == incoming
    assert copy.recipients_text == "Lưu: VT."
    shown = client.get(response["Location"]).content.decode()
    assert "Đã tạo bản sao y điện tử số 01/BSY-UBND." in shown
    assert AuditEvent.objects.filter(
        action="document.copied", object_id=str(incoming.public_id), actor=world.clerk_ubnd
    ).exists()


def test_trich_sao_takes_the_pages_typed(client, world, incoming, agency_credential):
    client.force_login(world.clerk_ubnd)
    response = client.post(_url(incoming), {"copy_form": "trich_sao", "pages": "1,3"})
    assert response.status_code == 302
    [copy] = _copies()
    assert copy.copy_form == CopyForm.EXTRACT and copy.copy_pages == "1,3"
    assert copy.page_amount == 2 and copy.reference == "01/BTS-UBND"


def test_bad_pages_are_shown_in_the_form(client, world, incoming, agency_credential):
    client.force_login(world.clerk_ubnd)
    before = counts()
    response = client.post(_url(incoming), {"copy_form": "trich_sao", "pages": "2-9"})
    assert response.status_code == 400
    assert "Văn bản gốc chỉ có 3 trang, không có trang 9." in response.content.decode()
    assert counts() == before


def test_without_a_seal_the_page_says_so_and_nothing_is_numbered(client, world, incoming):
    client.force_login(world.clerk_ubnd)
    assert "Cơ quan chưa có chữ ký số" in client.get(_url(incoming)).content.decode()
    before = counts()
    response = client.post(_url(incoming), {"copy_form": "sao_y"})
    assert response.status_code == 400
    assert "Cơ quan chưa có chữ ký số để ký bản sao điện tử" in response.content.decode()
    assert counts() == before
    assert not NumberCounter.objects.filter(series="copy").exists()


def test_a_typed_seal_password_is_asked_and_checked(client, world, incoming, flow_pki):
    signing.register_credential(
        world.admin,
        agency=world.ubnd,
        kind="pkcs12",
        params={"path": flow_pki.p12("ubnd")},
        image_png=tools.seal_png(),
        secret=DEFAULT_PASSWORD,
    )
    client.force_login(world.clerk_ubnd)
    html = client.get(_url(incoming)).content.decode()
    assert 'name="signing_secret"' in html and "Mật khẩu tệp khóa ký số của cơ quan" in html

    before = counts()
    wrong = client.post(_url(incoming), {"copy_form": "sao_y", "signing_secret": "sai-mat-khau"})
    assert wrong.status_code == 400 and counts() == before
    shown = wrong.content.decode()
    assert "Không mở được tệp khóa ký số: sai mật khẩu" in shown and "sai-mat-khau" not in shown

    right = client.post(_url(incoming), {"copy_form": "sao_y", "signing_secret": DEFAULT_PASSWORD})
    assert right.status_code == 302 and len(_copies()) == 1


def test_a_sao_y_offers_only_sao_luc(client, world, incoming, agency_credential):
    client.force_login(world.clerk_ubnd)
    client.post(_url(incoming), {"copy_form": "sao_y"})
    [sao_y] = _copies()
    html = client.get(_url(sao_y)).content.decode()
    assert _radios(html) == ["sao_luc"]
    assert client.post(_url(sao_y), {"copy_form": "sao_luc"}).status_code == 302


@pytest.mark.parametrize("persona", ["specialist_ubnd", "leader_ubnd", "clerk_stc", "outsider"])
def test_others_get_404(client, world, incoming, agency_credential, persona):
    client.force_login(getattr(world, persona))
    assert client.get(_url(incoming)).status_code == 404
    assert client.post(_url(incoming), {"copy_form": "sao_y"}).status_code == 404
    assert _copies() == []


def test_anonymous_is_sent_to_login(client, incoming):
    response = client.get(_url(incoming))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]
