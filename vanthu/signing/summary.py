"""One line of plain Vietnamese for a ``verify_pdf`` report, as a clerk reads it on the page."""

from __future__ import annotations

from typing import Any

KIND_LABELS = {"personal": "Cá nhân", "agency": "Cơ quan", "unknown": "Không rõ"}


def describe(verdict: str, report: dict[str, Any]) -> str:
    if verdict == "unsigned":
        return "Chưa ký số"
    reasons = [r for sig in report.get("signatures", []) for r in sig.get("reasons", [])]
    if verdict == "invalid":
        return "Không hợp lệ: " + (" ".join(dict.fromkeys(reasons)) or "chữ ký số bị lỗi.")
    if verdict == "untrusted":
        detail = " ".join(dict.fromkeys(reasons))
        return "Không xác định được chứng thư" + (f": {detail}" if detail else "")
    present = [
        label
        for key, label in (("has_personal", "chữ ký cá nhân"), ("has_agency", "chữ ký cơ quan"))
        if report.get(key)
    ]
    if not present:
        return "Hợp lệ: có chữ ký số nhưng không xác định được loại chữ ký"
    missing = (
        ""
        if len(present) == 2
        else (
            ", chưa có chữ ký cơ quan" if report.get("has_personal") else ", chưa có chữ ký cá nhân"
        )
    )
    return "Hợp lệ: có " + " và ".join(present) + missing


def signature_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of the page's table: người ký, loại, thời điểm ký, hợp lệ."""
    return [
        {
            "signer": sig.get("signer") or "(không rõ)",
            "kind": KIND_LABELS.get(sig.get("kind", "unknown"), "Không rõ"),
            "signed_at": sig.get("signed_at"),
            "valid": bool(sig.get("intact") and sig.get("trusted") and not _broken(sig)),
        }
        for sig in report.get("signatures", [])
    ]


def _broken(sig: dict[str, Any]) -> bool:
    return not sig.get("covers_whole_file", False)
