"""Prepare one deployment of the end-to-end network, in that deployment's environment and
in one process (each Django start costs seconds): migrate, seed its directory, register its
agencies at the hub, wait for the other deployment's, import the hub's directory.

    python tests/e2e/deploy.py province|ministry [--timeout S]
"""

from __future__ import annotations

import argparse
import os
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("side", choices=["province", "ministry"])
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.e2e.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from vanthu.demo import exchange

    call_command("migrate", interactive=False, verbosity=0)
    if args.side == "province":
        from vanthu.demo.seed import build_directory, is_seeded

        if not is_seeded():
            with transaction.atomic():
                # The province's agencies and people only: the tests make their documents.
                build_directory(timezone.now())
        partner = exchange.MINISTRY_SIDE
    else:
        call_command("seed_ministry", "--if-empty", "--no-signing", verbosity=0)
        partner = exchange.PROVINCE_SIDE

    def say(text: str) -> None:
        sys.stdout.write(f"[{args.side}] {text}\n")
        sys.stdout.flush()

    exchange.connect(partner, timeout=args.timeout, say=say)
    return 0


if __name__ == "__main__":
    sys.exit(main())
