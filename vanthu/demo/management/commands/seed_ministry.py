from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from vanthu.demo import ministry
from vanthu.demo import signing as demo_signing


class Command(BaseCommand):
    help = (
        "Seed the demo ministry (Bộ Nội vụ: units, accounts, signing keys from the shared demo "
        "PKI) into an empty database: the demo's second deployment."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and succeed) when the ministry is already there",
        )
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="migrate the database and collect the static files first (one process "
            "instead of three when the demo prepares the ministry)",
        )
        parser.add_argument(
            "--no-signing",
            action="store_true",
            help="no signing keys (faster; documents are then issued unsigned)",
        )

    def handle(self, *args, if_empty, migrate, no_signing, **options):
        if migrate:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
        if ministry.is_seeded():
            if not if_empty:
                raise CommandError("Dữ liệu trình diễn của Bộ đã có trong cơ sở dữ liệu.")
            self.stdout.write("Dữ liệu trình diễn của Bộ đã có; bỏ qua bước tạo dữ liệu.")
        else:
            done = ministry.seed_ministry()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã tạo {ministry.NAME} ({ministry.CODE}): {len(ministry.DEPARTMENTS)} "
                    f"đơn vị, {done.users} tài khoản."
                )
            )
        if not no_signing and not demo_signing.is_set_up():
            setup = demo_signing.set_up_signing()
            self.stdout.write(
                f"Đã cấp khóa ký số cho {setup.people} lãnh đạo và {setup.agencies} cơ quan "
                f"(CA thử nghiệm dùng chung: {demo_signing.pki_dir()})."
            )
