from django.core.management.base import BaseCommand, CommandError

from vanthu.demo.seed import AlreadySeeded, is_seeded, seed_demo


class Command(BaseCommand):
    help = (
        "Seed the demo province (agencies, accounts, a year of documents) into an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--documents", type=int, default=300)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and succeed) when the demo province is already there",
        )

    def handle(self, *args, documents, if_empty, **options):
        if if_empty and is_seeded():
            self.stdout.write("Dữ liệu trình diễn đã có; bỏ qua bước tạo dữ liệu.")
            return
        try:
            result = seed_demo(documents)
        except AlreadySeeded as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo dữ liệu trình diễn: {result.agencies} cơ quan, {result.users} tài khoản, "
                f"{result.documents} văn bản (và {result.received_copies} bản nhận liên thông) "
                f"trong {result.seconds:.1f} giây."
            )
        )
