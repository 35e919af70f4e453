"""`vanthu edxml parse|validate|verify FILE` and `python -m vanthu.edxml`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from vanthu.edxml import Organization, build_edoc, build_status
from vanthu.edxml.cli import main
from vanthu.edxml.signature import sign

from .factories import make_edoc, make_pki, make_status

EDOC_KEYS = {
    "kind", "from", "to", "code_number", "code_notation", "promulgation_date", "document_type",
    "subject", "signer", "due_date", "priority", "business_type", "document_id", "response_for",
    "trace", "attachments",
}  # fmt: skip
STATUS_KEYS = EDOC_KEYS | {"status_code", "description", "timestamp"}


@pytest.fixture
def write(tmp_path):
    def write(data: bytes, name: str = "goi-tin.edxml") -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_parse_prints_exactly_the_documented_keys(capsys, write):
    code, out, err = run(capsys, "parse", write(build_edoc(make_edoc())))
    assert code == 0
    view = json.loads(out)
    assert set(view) == EDOC_KEYS
    assert view["kind"] == "edoc"
    assert view["from"] == {"organ_id": "000.00.00.H41", "name": "UBND Tỉnh Nghệ An"}
    assert set(view["to"][0]) == {"organ_id", "name"}
    assert (view["code_number"], view["code_notation"]) == ("125", "UBND-VX")
    assert view["promulgation_date"] == "2026-03-09"
    assert view["document_type"] == {"type": 1, "type_name": "Công văn"}
    assert view["signer"] == {
        "competence": "KT. CHỦ TỊCH",
        "position": "Phó Chủ tịch",
        "full_name": "Lê Văn Ạ",
    }
    assert (view["due_date"], view["priority"], view["business_type"]) == ("2026-03-31", 1, 0)
    assert view["trace"] == [
        {"organ_id": "000.00.00.H41", "timestamp": "2026-03-09T08:30:05+07:00"}
    ]
    [attachment] = view["attachments"]
    assert set(attachment) == {"name", "content_type", "size", "sha256"}
    assert len(attachment["sha256"]) == 64


def test_parse_status(capsys, write):
    code, out, _ = run(capsys, "parse", write(build_status(make_status())))
    view = json.loads(out)
    assert code == 0
    assert set(view) == STATUS_KEYS
    assert (view["kind"], view["status_code"]) == ("status", "03")
    assert view["timestamp"] == "2026-03-09T14:02:00+07:00"
    assert set(view["response_for"][0]) == {"organ_id", "code", "promulgation_date", "document_id"}


@pytest.mark.parametrize("command", ["parse", "validate"])
def test_unparseable_input_exits_2_with_one_line(capsys, write, command):
    code, out, err = run(capsys, command, write(b"<edXML><broken>"))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "malformed XML" in err


def test_missing_file_and_bad_usage_exit_2(capsys, tmp_path):
    assert run(capsys, "parse", str(tmp_path / "none.edxml"))[0] == 2
    assert run(capsys, "frobnicate")[0] == 2
    assert run(capsys, "--help")[0] == 0


def test_validate_clean_package_exits_0(capsys, write):
    code, out, err = run(capsys, "validate", write(build_status(make_status())))
    assert (code, out) == (0, "")
    assert "0 lỗi, 0 cảnh báo" in err


def test_validate_prints_findings_and_exits_1_on_errors(capsys, write):
    data = build_edoc(make_edoc(to=[Organization(organ_id="28.22.H17")]))
    code, out, _ = run(capsys, "validate", write(b"1212" + data))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("warning CẢNH BÁO /edXML: ")
    assert lines[1].startswith(
        "error LỖI /edXML/edXMLEnvelope/edXMLHeader/MessageHeader/To/OrganId:"
    )


def test_validate_warnings_only_exits_0(capsys, write):
    code, out, _ = run(capsys, "validate", write(b"junk" + build_status(make_status())))
    assert code == 0
    assert out.startswith("warning ")


def test_verify(capsys, write, tmp_path):
    pki = make_pki()
    ca = tmp_path / "ca.pem"
    ca.write_bytes(pki.ca_pem)
    data = build_status(make_status())
    signed = sign(data, key_pem=pki.key_pem, cert_pem=pki.cert_pem)
    code, out, _ = run(capsys, "verify", write(signed), "--ca", str(ca))
    assert (code, out.split(" ")[0]) == (0, "valid")
    code, out, _ = run(capsys, "verify", write(data, "plain.edxml"), "--ca", str(ca))
    assert (code, out.split(":")[0]) == (1, "absent")


def test_python_dash_m(write):
    path = write(build_status(make_status()))
    result = subprocess.run(
        [sys.executable, "-m", "vanthu.edxml", "parse", path],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["kind"] == "status"


def test_library_never_imports_django():
    from pathlib import Path

    import vanthu.edxml

    for source in Path(vanthu.edxml.__file__).parent.rglob("*.py"):
        text = source.read_text()
        assert "import django" not in text and "from django" not in text, source
    probe = (
        "import sys, vanthu.edxml.cli, vanthu.edxml.signature, vanthu.edxml.validate;"
        "sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", probe], check=False, timeout=60).returncode == 0
