from django.core.management.base import BaseCommand, CommandError

from vanthu.demo import exchange


class Command(BaseCommand):
    help = (
        "The demo's seeded exchange over the hub, run once in each deployment at the same "
        "time: register and import the agencies, issue this side's document to the other "
        "deployment, then register, assign and complete the one that arrives."
    )

    def add_arguments(self, parser):
        parser.add_argument("side", choices=sorted(exchange.SIDES))
        parser.add_argument(
            "--timeout", type=float, default=120, help="seconds to wait for each step"
        )
        parser.add_argument(
            "--force", action="store_true", help="run even when a previous run finished"
        )

    def handle(self, *args, side, timeout, force, **options):
        if exchange.is_done() and not force:
            self.stdout.write("Văn bản liên thông trình diễn đã có; bỏ qua.")
            return
        label = "Tỉnh" if side == "province" else "Bộ"

        def say(text: str) -> None:
            self.stdout.write(f"[{label}] {text}")
            self.stdout.flush()

        try:
            exchange.run(side, timeout=timeout, say=say)
        except exchange.DemoExchangeError as exc:
            raise CommandError(str(exc)) from None
