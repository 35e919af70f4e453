"""Run the local remote-signing service (CSC API v2) in the foreground, for the demo.

    VANTHU_CSC_CLIENT_SECRET=... manage.py csc_server --port 8765 --keys /path/to/pki

Every ``<slug>.p12`` of ``--keys`` holding a person's or an agency's certificate becomes the
credential ``<slug>`` (the TSA and OCSP keys of the demo PKI are skipped). The one-time
passwords the service "texts" to signers are printed on this console, like an SMS.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanthu.signing.csc_server import CscCredential, CscServer
from vanthu.signing.identity import classify
from vanthu.signing.pki import DEFAULT_PASSWORD


class Command(BaseCommand):
    help = "Chạy dịch vụ ký số từ xa thử nghiệm (Cloud Signature Consortium API v2)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--keys", type=Path, required=True, help="thư mục chứa các tệp <mã>.p12"
        )
        parser.add_argument("--client-id", default="vanthu")
        parser.add_argument(
            "--client-secret-env",
            default="VANTHU_CSC_CLIENT_SECRET",
            help="biến môi trường chứa client_secret mà VanThu dùng để gọi dịch vụ",
        )
        parser.add_argument(
            "--password-env",
            default="",
            help="biến môi trường chứa mật khẩu các tệp .p12 (mặc định: mật khẩu PKI thử nghiệm)",
        )

    def handle(self, *args: object, **options: object) -> None:
        secret_env = str(options["client_secret_env"])
        client_secret = os.environ.get(secret_env)
        if not client_secret:
            raise CommandError(f"Chưa đặt biến môi trường {secret_env} (client_secret).")
        password_env = str(options["password_env"])
        if password_env:
            password = os.environ.get(password_env)
            if password is None:
                raise CommandError(f"Chưa đặt biến môi trường {password_env} (mật khẩu .p12).")
        else:
            password = DEFAULT_PASSWORD
        keys = Path(str(options["keys"]))
        if not keys.is_dir():
            raise CommandError(f"Không có thư mục khóa {keys}.")
        try:
            server = CscServer(
                client_id=str(options["client_id"]),
                client_secret=client_secret,
                host=str(options["host"]),
                port=int(options["port"]),  # type: ignore[call-overload]
                deliver_otp=self._print_otp,
            )
        except OSError as exc:
            raise CommandError(f"Không mở được cổng {options['port']}: {exc}") from exc
        loaded = []
        for path in sorted(keys.glob("*.p12")):
            try:
                credential = server.add_pkcs12(path.stem, path, password)
            except ValueError as exc:
                raise CommandError(f"Không mở được {path}: sai mật khẩu hoặc tệp hỏng.") from exc
            if classify(credential.certificate) == "unknown":
                del server.credentials[path.stem]
                continue
            loaded.append(path.stem)
        if not loaded:
            server.stop()
            raise CommandError(f"Không có tệp .p12 của người ký hoặc cơ quan trong {keys}.")
        self.stdout.write(
            f"Dịch vụ ký số từ xa đang chạy tại {server.base_url} "
            f"(client_id «{options['client_id']}»); chứng thư: {', '.join(loaded)}."
        )
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()

    def _print_otp(self, credential: CscCredential, otp: str) -> None:
        self.stdout.write(f"[SMS] Mã OTP ký số cho «{credential.credential_id}»: {otp}")
        self.stdout.flush()
