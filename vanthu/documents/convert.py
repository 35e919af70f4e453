"""Word/ODT → PDF with LibreOffice headless.

One soffice process per conversion with a private profile directory: LibreOffice refuses
to run twice on one profile, and a shared profile left locked by a crashed run would block
every later conversion.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

from vanthu.errors import DomainError


class ConversionFailed(DomainError):
    code = "conversion_failed"


def convert_to_pdf(name: str, content: bytes, *, timeout: int = 120) -> bytes:
    with tempfile.TemporaryDirectory(prefix="vanthu-soffice-") as tmp:
        work = Path(tmp)
        source = work / ("input" + Path(name).suffix.lower())
        source.write_bytes(content)
        profile = work / "profile"
        try:
            result = subprocess.run(
                [
                    settings.VANTHU_SOFFICE,
                    "--headless",
                    "--norestore",
                    "--nolockcheck",
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(work),
                    str(source),
                ],
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except OSError:
            # Missing (FileNotFoundError) or not runnable (PermissionError) alike: the
            # configured soffice cannot start, which the drafter can only report.
            raise ConversionFailed(
                "Máy chủ chưa cài LibreOffice nên không chuyển được tệp Word sang PDF."
            ) from None
        except subprocess.TimeoutExpired:
            raise ConversionFailed("Chuyển đổi sang PDF quá thời gian cho phép.") from None
        target = work / "input.pdf"
        if result.returncode != 0 or not target.exists():
            raise ConversionFailed(
                "Không chuyển được tệp sang PDF; hãy kiểm tra tệp Word có mở được không."
            )
        return target.read_bytes()
