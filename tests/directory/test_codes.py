"""Agency codes: QCVN 102 (13 characters, level 1 on the right) and QĐ 20/2020."""

from __future__ import annotations

import pytest

from vanthu.directory.actions import validate_agency_fields

NAME = "Ủy ban nhân dân tỉnh Nghệ An"


@pytest.mark.parametrize("code", ["000.00.00.H41", "001.00.10.H47", "000.05.00.G22"])
def test_it_accepts_qcvn102_codes(code):
    assert validate_agency_fields(code, "", NAME) == {}


def test_it_rejects_a_code_of_12_characters_with_the_count():
    errors = validate_agency_fields("000.00.0.H41", "", NAME)
    assert errors["code"] == "Mã định danh theo QCVN 102 phải đủ 13 ký tự (đang có 12)."


@pytest.mark.parametrize(
    "code",
    [
        "000.00.00.h41",  # lowercase level-1 letter
        "0000000000H41",  # 13 characters but no dots
        "000.00.00.141",  # last group not a letter and two digits
        "000.00.00.HA1",
        "000.00.00.Z41",  # Z is reserved for organisations outside the state tree
        "H41.00.00.000",  # QĐ 20 order (level 1 on the left) in the QCVN 102 field
    ],
)
def test_it_rejects_malformed_qcvn102_codes(code):
    errors = validate_agency_fields(code, "", NAME)
    assert errors["code"].startswith("Mã định danh không đúng dạng QCVN 102")
    assert "ví dụ 000.00.00.H41" in errors["code"]


def test_it_requires_the_code():
    assert validate_agency_fields("", "", NAME)["code"] == "Mã định danh không được để trống."


@pytest.mark.parametrize("code", ["H41", "H41.1.2", "G22.10.05", "Z01ABC123"])
def test_it_accepts_qd20_codes(code):
    assert validate_agency_fields("000.00.00.H41", code, NAME) == {}


def test_it_rejects_a_qd20_code_with_a_space():
    errors = validate_agency_fields("000.00.00.H41", "H41 1.2", NAME)
    assert errors["code_qd20"].startswith("Mã định danh theo QĐ 20/2020 chỉ gồm chữ in hoa")


def test_it_rejects_a_qd20_code_longer_than_35_characters():
    errors = validate_agency_fields("000.00.00.H41", "H41." + "1" * 32, NAME)
    assert errors["code_qd20"] == "Mã định danh theo QĐ 20/2020 dài tối đa 35 ký tự."


def test_it_requires_the_name():
    assert validate_agency_fields("000.00.00.H41", "", "  ")["name"] == "Chưa nhập tên cơ quan."
