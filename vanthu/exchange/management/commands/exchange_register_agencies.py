"""Declare this deployment's agencies at the hub (registerAgency), so that documents for
them are routed here."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from vanthu.errors import ValidationFailed
from vanthu.exchange.agencies import register_agencies
from vanthu.exchange.hub import hub_client
from vanthu.vxp import VxpUnavailable


class Command(BaseCommand):
    help = "Đăng ký các cơ quan của hệ thống này với trục liên thông."

    def handle(self, *args: object, **options: object) -> None:
        try:
            with hub_client() as client:
                done, errors = register_agencies(client)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        except VxpUnavailable as exc:
            raise CommandError(f"Không kết nối được trục liên thông: {exc}") from None
        self.stdout.write(f"Đã đăng ký {len(done)} cơ quan với trục.")
        for error in errors:
            self.stderr.write(f"Không đăng ký được {error}")
        if errors:
            raise CommandError(f"{len(errors)} cơ quan không đăng ký được.")
