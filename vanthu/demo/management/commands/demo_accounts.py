from pathlib import Path

from django.core.management.base import BaseCommand

from vanthu.demo.accounts import accounts_document, accounts_markdown


class Command(BaseCommand):
    help = "Print the demo accounts as Markdown (or write docs/DEMO_ACCOUNTS.md with --output)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="write the whole document to this file")
        parser.add_argument(
            "--featured", action="store_true", help="only the accounts shown in the README"
        )

    def handle(self, *args, output, featured, **options):
        if output:
            Path(output).write_text(accounts_document(), encoding="utf-8")
            self.stdout.write(f"Đã ghi {output}.")
        else:
            self.stdout.write(accounts_markdown(featured_only=featured), ending="")
