"""Check the digital signatures of a PDF and whether this system issued it.

    verify_pdf FILE.pdf [--json] [--trust ROOT.pem ...]

Exit status: 0 only when the verdict is "valid"; 1 for "invalid", "untrusted" or
"unsigned"; 2 when the file cannot be read as a PDF.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vanthu.signing.actions import registered_file, trust_roots
from vanthu.signing.errors import DocumentStateError
from vanthu.signing.summary import describe, signature_rows
from vanthu.signing.verify import verify_pdf


class Command(BaseCommand):
    help = "Kiểm tra chữ ký số của một tệp PDF và tra cứu văn bản đã ban hành tương ứng."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        parser.add_argument(
            "--trust",
            action="append",
            default=[],
            type=Path,
            metavar="PEM",
            help="Chứng thư gốc tin cậy (PEM); mặc định lấy từ VANTHU_TRUST_ROOTS.",
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        try:
            content = path.read_bytes()
            roots = [p.read_bytes() for p in options["trust"]] if options["trust"] else None
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp: {exc}", returncode=2) from exc
        try:
            report = verify_pdf(
                content,
                trust_roots=roots if roots is not None else trust_roots(),
                registered_lookup=registered_file,
            )
        except DocumentStateError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self._print_text(report)
        if report["verdict"] != "valid":
            raise SystemExit(1)

    def _print_text(self, report: dict) -> None:
        self.stdout.write(describe(report["verdict"], report))
        for row in signature_rows(report):
            state = "hợp lệ" if row["valid"] else "không hợp lệ"
            self.stdout.write(
                f"- {row['signer']} ({row['kind'].lower()}), ký lúc {row['signed_at'] or '?'}: "
                f"{state}"
            )
        registered = report["registered"]
        if registered is None:
            self.stdout.write("Không tìm thấy văn bản có cùng nội dung trong hệ thống.")
        else:
            self.stdout.write(
                f"Khớp văn bản {registered['reference']} của {registered['agency']}"
                f" (ban hành {registered['issued_on'] or '?'})."
            )
