"""import_agencies: the national axis list (id, code, code102, pid, name, mail)."""

from __future__ import annotations

import json

import pytest

from vanthu.audit.models import AuditEvent
from vanthu.directory.actions import import_agencies
from vanthu.directory.models import Agency
from vanthu.errors import PermissionDenied, ValidationFailed

CSV = """id,code,code102,pid,name,mail
1001,H47,000.00.00.H47,0,Ủy ban nhân dân tỉnh Quảng Nam,ubnd@quangnam.gov.vn
1002,H47.10,001.00.10.H47,1001,Ủy ban nhân dân huyện Duy Xuyên,duyxuyen@quangnam.gov.vn
1003,,001.00.10.h47,1001,Mã chữ thường,
1004,,000.00.00.H4,1001,Mã thiếu ký tự,
1005,H47 20,002.00.20.H47,1001,Mã QĐ 20 có dấu cách,
1006,,003.00.30.H47,1001,,
1007,,004.00.40.H47,1001,Phòng có thư sai,khong-phai-thu
1008,,001.00.10.H47,1001,Lặp mã,
"""


def test_it_saves_good_rows_reports_bad_rows_and_links_parents(world, events):
    report = import_agencies(world.admin, "truc.csv", CSV.encode())

    assert report.created == ["000.00.00.H47", "001.00.10.H47"]
    assert report.updated == []
    rejected = {row: (code, reason) for row, code, reason in report.rejected}
    assert sorted(rejected) == [4, 5, 6, 7, 8, 9]  # CSV line numbers, header is line 1
    assert rejected[4][0] == "001.00.10.h47"
    assert "không đúng dạng QCVN 102" in rejected[4][1]
    assert "phải đủ 13 ký tự (đang có 12)" in rejected[5][1]
    assert "QĐ 20/2020 chỉ gồm chữ in hoa" in rejected[6][1]
    assert rejected[7][1] == "Chưa nhập tên cơ quan."
    assert rejected[8][1] == "Địa chỉ thư điện tử không hợp lệ."
    assert rejected[9][1] == "Mã định danh bị lặp trong tệp."

    province = Agency.objects.get(code="000.00.00.H47")
    district = Agency.objects.get(code="001.00.10.H47")
    assert district.parent == province
    assert district.code_qd20 == "H47.10"
    assert district.abbreviation == "UBND"
    assert district.external_id == "1002"
    for bad in ["001.00.10.h47", "000.00.00.H4", "002.00.20.H47", "003.00.30.H47"]:
        assert not Agency.objects.filter(code=bad).exists()
    assert events() == ["directory.agencies_imported"]
    event = AuditEvent.objects.get(action="directory.agencies_imported")
    assert event.after == {"created": 2, "updated": 0, "rejected": 6, "warnings": 0}


def test_it_updates_existing_agencies_by_code(world):
    content = (
        "id,code,code102,pid,name,mail\n"
        "9,H41,000.00.00.H41,0,UBND tỉnh Nghệ An (đã đổi tên),vanthu@nghean.gov.vn\n"
    )
    report = import_agencies(world.admin, "truc.csv", content.encode())
    assert report.updated == ["000.00.00.H41"] and report.created == []
    world.ubnd.refresh_from_db()
    assert world.ubnd.name == "UBND tỉnh Nghệ An (đã đổi tên)"
    assert world.ubnd.abbreviation == "UBND"  # kept: the axis list has no abbreviation
    assert world.ubnd.code_qd20 == "H41"


def test_it_reads_a_json_list_and_numbers_rows_from_one(world):
    rows = [
        {
            "id": 1,
            "code": "G22",
            "code102": "000.00.00.G22",
            "pid": 0,
            "name": "Văn phòng Chính phủ",
        },
        {"id": 2, "code": "G22.1", "code102": "001.00.00.G22", "pid": 1, "name": "Cục Kiểm soát"},
        {"id": 3, "code102": "bad", "name": "Sai mã"},
    ]
    report = import_agencies(world.admin, "truc.json", json.dumps({"data": rows}).encode())
    assert report.created == ["000.00.00.G22", "001.00.00.G22"]
    assert [(row, code) for row, code, _ in report.rejected] == [(3, "bad")]
    assert Agency.objects.get(code="001.00.00.G22").parent.code == "000.00.00.G22"


def test_it_warns_when_the_parent_is_unknown(world):
    content = "id,code,code102,pid,name,mail\n5,,000.00.00.H29,777,Ủy ban nhân dân TP.HCM,\n"
    report = import_agencies(world.admin, "truc.csv", content.encode())
    assert report.created == ["000.00.00.H29"]
    assert report.warnings == [
        (
            2,
            "000.00.00.H29",
            "Không tìm thấy cơ quan cấp trên có id «777»; chưa gắn cơ quan cấp trên.",
        )
    ]
    assert Agency.objects.get(code="000.00.00.H29").parent is None


def test_it_refuses_a_parent_cycle_inside_the_file(world):
    content = (
        "id,code,code102,pid,name,mail\n"
        "1,,000.00.00.H14,2,Cao Bằng A,\n"
        "2,,001.00.00.H14,1,Cao Bằng B,\n"
    )
    report = import_agencies(world.admin, "truc.csv", content.encode())
    a = Agency.objects.get(code="000.00.00.H14")
    b = Agency.objects.get(code="001.00.00.H14")
    assert a.parent == b and b.parent is None
    assert [(row, code) for row, code, _ in report.warnings] == [(3, "001.00.00.H14")]


def test_it_refuses_a_file_that_is_not_utf8(world):
    content = "id,code,code102,pid,name,mail\n1,,000.00.00.H47,0,Ủy ban nhân dân tỉnh,\n"
    with pytest.raises(ValidationFailed) as exc:
        import_agencies(world.admin, "truc.csv", content.encode("utf-16"))
    assert exc.value.errors == {
        "file": "Tệp không dùng bảng mã UTF-8. Hãy lưu lại tệp với bảng mã UTF-8 rồi tải lên."
    }
    assert not Agency.objects.filter(code="000.00.00.H47").exists()


def test_it_refuses_a_csv_without_the_code102_column(world):
    with pytest.raises(ValidationFailed) as exc:
        import_agencies(world.admin, "truc.csv", b"id,name\n1,X\n")
    assert exc.value.errors == {"file": "Tệp CSV thiếu cột: code102."}


def test_it_refuses_broken_json(world):
    with pytest.raises(ValidationFailed) as exc:
        import_agencies(world.admin, "truc.json", b'[{"code102": ')
    assert exc.value.errors["file"].startswith("Tệp JSON không hợp lệ")


def test_it_is_for_administrators_only(world):
    with pytest.raises(PermissionDenied):
        import_agencies(world.clerk_ubnd, "truc.csv", CSV.encode())
    assert not Agency.objects.filter(code="000.00.00.H47").exists()
