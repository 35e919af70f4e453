"""GET /documents, /documents/{id}, its files and its history: only what the caller may see."""

from __future__ import annotations

import hashlib
import uuid

from django.utils import timezone

from tests.api.conftest import draft, register
from vanthu.documents.models import Document, Secrecy


def test_list_shows_the_agency_documents_to_its_clerk(world, api):
    incoming = register(world)
    outgoing = draft(world)
    response = api(world.clerk_ubnd).get("/documents")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["page"] == 1 and body["pages"] == 1
    ids = {item["id"] for item in body["items"]}
    assert ids == {str(incoming.public_id), str(outgoing.public_id)}
    item = next(i for i in body["items"] if i["id"] == str(incoming.public_id))
    assert item["reference"] == "17/STC-TH"
    assert item["code_number"] == "17" and item["code_notation"] == "STC-TH"
    assert item["status"] == "registered" and item["status_label"] == "Đã vào sổ"
    assert item["arrival_number"] == 1
    assert item["issued_on"] == "2026-01-10"
    assert item["doc_type"] == {"code": "CV", "name": "Công văn", "abbreviation": ""}
    assert "pk" not in item


def test_list_is_empty_for_an_outsider_and_another_agency(world, api):
    register(world)
    draft(world)
    assert api(world.outsider).get("/documents").json()["count"] == 0
    assert api(world.clerk_stc).get("/documents").json()["items"] == []


def test_list_hides_a_secret_document_from_a_clerk_not_named_on_it(world, api):
    register(world, secrecy=Secrecy.CONFIDENTIAL)
    assert api(world.clerk_ubnd).get("/documents").json()["count"] == 1  # registered it
    assert api(world.leader_ubnd).get("/documents").json()["count"] == 0


def test_list_filters_by_direction_status_search_and_dates(world, api):
    register(world)
    draft(world)
    client = api(world.clerk_ubnd)
    assert client.get("/documents", direction="incoming").json()["count"] == 1
    assert client.get("/documents", status="draft").json()["count"] == 1
    assert client.get("/documents", q="bao cao tinh hinh").json()["count"] == 1
    assert client.get("/documents", type="QD").json()["count"] == 0
    assert client.get("/documents", issuer="Sở Tài chính").json()["count"] == 1
    today = timezone.localdate().isoformat()
    incoming_today = client.get("/documents", direction="incoming", **{"from": today})
    assert incoming_today.json()["count"] == 1
    # Without a direction, a draft has no date yet and drops out of a date filter.
    assert client.get("/documents", **{"from": today, "to": today}).json()["count"] == 1


def test_list_rejects_a_reversed_date_range_in_vietnamese(world, api):
    response = api(world.clerk_ubnd).get("/documents", **{"from": "2026-02-01", "to": "2026-01-01"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["from"] == "«Từ ngày» phải trước «Đến ngày»."


def test_list_validates_its_parameters_with_422(world, api):
    client = api(world.clerk_ubnd)
    response = client.get("/documents", page_size=101)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["fields"] == {"page_size": "Giá trị phải nhỏ hơn hoặc bằng 100."}
    assert client.get("/documents", status="khong-co").status_code == 422
    bad_date = client.get("/documents", **{"from": "05/01/2026"})
    assert bad_date.json()["error"]["fields"]["from"].startswith("Ngày không hợp lệ")


def test_list_paginates(world, api):
    for number in range(1, 4):
        register(world, number_text=str(number))
    client = api(world.clerk_ubnd)
    first = client.get("/documents", page_size=2).json()
    assert (first["count"], first["pages"], len(first["items"])) == (3, 2, 2)
    second = client.get("/documents", page_size=2, page=2).json()
    assert len(second["items"]) == 1
    assert client.get("/documents", page_size=2, page=9).json()["items"] == []


def test_detail_shows_appendix_vi_metadata_and_files(world, api):
    doc = register(world, signer_name="Đặng Văn Giám Đốc", signer_position="Giám đốc")
    response = api(world.clerk_ubnd).get(f"/documents/{doc.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(doc.public_id)
    assert body["direction"] == "incoming" and body["direction_label"] == "Văn bản đến"
    assert body["agency"] == {"code": "000.00.00.H41", "name": "Ủy ban nhân dân tỉnh Nghệ An"}
    assert body["signer"] == {
        "id": None,
        "full_name": "Đặng Văn Giám Đốc",
        "position": "Giám đốc",
        "competence": "",
    }
    assert body["urgency"] == "normal" and body["urgency_label"] == "Thường"
    assert body["deliveries"] == []
    [file] = body["files"]
    stored = doc.files.get()
    assert file["id"] == str(stored.public_id)
    assert file["name"] == "bao-cao.pdf" and file["kind"] == "main" and file["version"] == 1
    assert file["mime_type"] == "application/pdf" and file["sha256"] == stored.sha256
    assert body["created_by"]["id"] == str(world.clerk_ubnd.public_id)


def test_detail_is_404_for_an_outsider_and_for_another_agency(world, api):
    doc = register(world)
    for user in (world.outsider, world.clerk_stc, world.specialist_ubnd):
        response = api(user).get(f"/documents/{doc.public_id}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_detail_of_a_missing_or_malformed_id(world, api):
    client = api(world.clerk_ubnd)
    missing = client.get(f"/documents/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"].startswith("Không tìm thấy văn bản")
    malformed = client.get("/documents/123")
    assert malformed.status_code == 422
    assert malformed.json()["error"]["fields"] == {"public_id": "Mã định danh (UUID) không hợp lệ."}


def test_file_download_gives_the_stored_bytes(world, api):
    doc = register(world)
    stored = doc.files.get()
    response = api(world.clerk_ubnd).get(f"/documents/{doc.public_id}/files/{stored.public_id}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == stored.sha256
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="bao-cao.pdf"' in response["Content-Disposition"]


def test_file_download_is_404_when_document_invisible_or_file_foreign(world, api):
    doc = register(world)
    other = register(world, number_text="18")
    stored = doc.files.get()
    outsider = api(world.outsider).get(f"/documents/{doc.public_id}/files/{stored.public_id}")
    assert outsider.status_code == 404
    # A file id of another document does not open through this one.
    other_file = other.files.get()
    crossed = api(world.clerk_ubnd).get(f"/documents/{doc.public_id}/files/{other_file.public_id}")
    assert crossed.status_code == 404
    assert crossed.json()["error"]["message"] == "Không tìm thấy tệp."


def test_history_lists_the_audit_events(world, api):
    doc = register(world)
    response = api(world.clerk_ubnd).get(f"/documents/{doc.public_id}/history")
    assert response.status_code == 200
    [event] = response.json()
    assert event["action"] == "document.registered"
    assert event["action_label"] == "Vào sổ văn bản đến"
    assert event["actor"] == {
        "id": str(world.clerk_ubnd.public_id),
        "full_name": "Nguyễn Thị Văn Thư",
    }
    assert event["note"] == "Số đến 01"


def test_history_is_404_for_an_outsider(world, api):
    doc = register(world)
    assert api(world.outsider).get(f"/documents/{doc.public_id}/history").status_code == 404
    assert Document.objects.count() == 1
