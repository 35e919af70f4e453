"""Validation of electronic identification codes (mã định danh).

Two forms coexist: the 13-character QCVN 102:2016 form, where the level-1 group (province or
ministry, e.g. H41, G22) stands on the right (`000.00.00.H41`), and the Decision 20/2020/QĐ-TTg
form, where it stands on the left and further groups are appended (at most 35 characters,
charset [0-9A-Z.]); organisations outside the state tree use `Zxy` + a local code (Art. 6).
"""

from __future__ import annotations

import re

QCVN102_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Y]\d{2}$")
QD20_STATE_RE = re.compile(r"^[A-Y]\d{2}(\.[0-9A-Z]+)*$")
QD20_OTHER_RE = re.compile(r"^Z\d{2}[0-9A-Z]{1,32}$")


def qcvn102_error(code: str) -> str | None:
    """Return a Vietnamese reason why `code` is not a valid QCVN 102 code, or None."""
    if not code:
        return "Mã định danh không được để trống."
    if len(code) != 13:
        return f"Mã định danh theo QCVN 102 phải đủ 13 ký tự (đang có {len(code)})."
    if not QCVN102_RE.match(code):
        return (
            "Mã định danh không đúng dạng QCVN 102 «NNN.NN.NN.XNN» "
            "(ví dụ 000.00.00.H41; nhóm cuối là mã cấp 1 gồm một chữ in hoa A–Y và hai chữ số)."
        )
    return None


def qd20_error(code: str) -> str | None:
    """Return a Vietnamese reason why `code` is not a valid QĐ 20/2020 code, or None."""
    if not code:
        return None  # optional
    if len(code) > 35:
        return "Mã định danh theo QĐ 20/2020 dài tối đa 35 ký tự."
    if not (QD20_STATE_RE.match(code) or QD20_OTHER_RE.match(code)):
        return (
            "Mã định danh theo QĐ 20/2020 chỉ gồm chữ in hoa, chữ số và dấu chấm, "
            "bắt đầu bằng mã cấp 1 (ví dụ H41.1.2) hoặc Zxy."
        )
    return None


def level1_of(code102: str) -> str:
    return code102.rsplit(".", 1)[-1]
