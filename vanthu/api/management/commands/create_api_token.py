"""`python -m django create_api_token <username> <name>`: print a new API token once.

Only its SHA-256 is stored, so the secret cannot be shown again; a lost token is revoked
and replaced, not recovered.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from vanthu.directory.actions import create_api_token
from vanthu.directory.models import User


class Command(BaseCommand):
    help = "Tạo khóa API cho một người dùng và in khóa ra một lần duy nhất."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="Tên đăng nhập của người dùng")
        parser.add_argument("name", help="Tên gợi nhớ của khóa, ví dụ «Đồng bộ phần mềm kế toán»")

    def handle(self, *args, username: str, name: str, **options) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng đang hoạt động «{username}».")
        secret = create_api_token(user, name)
        self.stderr.write(
            f"Đã tạo khóa API «{name}» cho {user}. Hãy lưu lại ngay: khóa không hiển thị lần nữa."
        )
        self.stdout.write(secret)
