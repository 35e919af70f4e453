"""`verify_pdf FILE --json [--trust PEM]`: the report, the registered document, exit codes."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from tests import files
from tests.documents.helpers import advance, make_draft
from vanthu.documents import actions
from vanthu.documents.files import current_main, read_bytes
from vanthu.documents.models import Status
from vanthu.signing.pki import DEFAULT_PASSWORD


def _run(capsys, *args) -> tuple[int, str]:
    try:
        call_command("verify_pdf", *map(str, args))
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    return code, capsys.readouterr().out


@pytest.fixture
def issued_pdf(world, tmp_path, personal_credential, agency_credential):
    doc = advance(world, make_draft(world), Status.AWAITING_SIGNATURE)
    actions.approve_signature(world.leader_ubnd, doc, approve=True, secret=DEFAULT_PASSWORD)
    doc = actions.issue_document(world.clerk_ubnd, doc)
    main = current_main(doc)
    path = tmp_path / "issued.pdf"
    path.write_bytes(read_bytes(main.storage_name))
    return doc, main, path


def test_a_valid_issued_pdf_exits_zero_and_names_its_document(capsys, issued_pdf, flow_pki):
    doc, main, path = issued_pdf
    code, out = _run(capsys, path, "--json", "--trust", flow_pki.root_pem)
    report = json.loads(out)
    assert code == 0
    assert report["verdict"] == "valid" and report["has_personal"] and report["has_agency"]
    assert report["registered"] == {
        "reference": doc.reference,
        "agency": "Ủy ban nhân dân tỉnh Nghệ An",
        "issued_on": doc.issued_on.isoformat(),
        "sha256_match": True,
    }


def test_trust_roots_come_from_settings_by_default(capsys, issued_pdf, trusted):
    code, out = _run(capsys, issued_pdf[2])
    assert code == 0 and out.startswith("Hợp lệ: có chữ ký cá nhân và chữ ký cơ quan")


def test_without_a_trusted_root_it_exits_non_zero(capsys, issued_pdf):
    code, out = _run(capsys, issued_pdf[2], "--json")
    assert code == 1 and json.loads(out)["verdict"] == "untrusted"


def test_an_unsigned_unknown_pdf(capsys, db, tmp_path, flow_pki):
    path = tmp_path / "unsigned.pdf"
    path.write_bytes(files.pdf(["Không ký"]))
    code, out = _run(capsys, path, "--json", "--trust", flow_pki.root_pem)
    report = json.loads(out)
    assert code == 1
    assert (report["verdict"], report["registered"]) == ("unsigned", None)


def test_a_tampered_pdf_is_invalid(capsys, issued_pdf, flow_pki, tmp_path):
    content = issued_pdf[2].read_bytes()
    marker = content.find(b"/Reason")
    assert marker > 0
    tampered = content[:marker] + b"/Reasom" + content[marker + 7 :]
    path = tmp_path / "tampered.pdf"
    path.write_bytes(tampered)
    code, out = _run(capsys, path, "--json", "--trust", flow_pki.root_pem)
    report = json.loads(out)
    assert code == 1 and report["verdict"] == "invalid" and report["registered"] is None


def test_not_a_pdf(db, tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"hello")
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_pdf", str(path))
    assert excinfo.value.returncode == 2
