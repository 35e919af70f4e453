from django.core.management.base import BaseCommand, CommandError

from vanthu.documents.integrity import check_stored_files

REASONS = {"missing": "mất tệp", "checksum mismatch": "sai mã băm SHA-256"}


class Command(BaseCommand):
    help = (
        "Re-check every stored file against its SHA-256; list every bad file and exit with "
        "status 1 if any is missing or altered."
    )

    def handle(self, *args, **options):
        report = check_stored_files()
        for bad in report.bad:
            self.stdout.write(
                f"LỖI {REASONS.get(bad.reason, bad.reason)}: {bad.storage_name} — tệp "
                f"«{bad.original_name}» ({bad.file_id}) của văn bản "
                f"{bad.reference or '(chưa có số)'} ({bad.document_id})"
            )
        summary = (
            f"Đã kiểm tra {report.versions} phiên bản tệp ({report.objects} tệp lưu trữ): "
            f"{len(report.bad)} lỗi."
        )
        if not report.ok:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary + " Tất cả đều khớp mã băm."))
