"""The `vanthu` console script: argument parsing and process control only. Every step is a
Django management command (migrate, collectstatic, seed_demo, check_files, ...)."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

SETTINGS = "vanthu.settings"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()


def _manage(*argv: str) -> None:
    """Run one management command as `manage.py` would, exit status included."""
    from django.core.management import execute_from_command_line

    execute_from_command_line(["vanthu manage", *argv])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vanthu",
        description="VanThu — hệ thống quản lý văn bản và điều hành.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="migrate, seed the demo province if empty, print the logins and serve",
        description="Prepare the embedded database (SQLite in ./var unless DATABASE_URL is "
        "set), seed the demo province when it is empty, print the demo logins and serve.",
    )
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="prepare and seed, do not serve")
    demo.add_argument(
        "--reset", action="store_true", help="delete the SQLite database and files first"
    )
    demo.add_argument("--documents", type=int, default=300, help="documents to seed (default 300)")

    demo.add_argument(
        "--province-only",
        action="store_true",
        help="only the province, as before the exchange demo (no hub, no ministry)",
    )

    serve = sub.add_parser("serve", help="serve with gunicorn on 127.0.0.1 (no seeding)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2)

    manage = sub.add_parser(
        "manage", help="run a Django management command (vanthu manage help)", add_help=False
    )
    manage.add_argument("args", nargs=argparse.REMAINDER)

    worker = sub.add_parser(
        "worker",
        help="exchange worker: send the outbox and poll the hub, forever (exchange_worker)",
    )
    worker.add_argument(
        "--every", type=float, help="seconds between rounds (default VANTHU_EXCHANGE_POLL_SECONDS)"
    )
    worker.add_argument("--once", action="store_true", help="one round, then exit")

    sub.add_parser(
        "check-files",
        help="re-check every stored file against its SHA-256 (exit status 1 on any error)",
    )
    # The pure libraries keep their own argument parsing; these only route to them.
    for name, text in (
        ("edxml", "edXML (QCVN 102:2016): parse FILE | validate FILE | verify FILE --ca PEM"),
        ("workdays", "working-day calendar: holidays YEAR | add DATE N"),
        ("verify", "verify the signatures of a PDF: verify FILE.pdf [--json] [--trust PEM]"),
        ("hub", "the hub (trục liên thông): serve | add-system | add-agency | add-operator | ..."),
    ):
        routed = sub.add_parser(name, help=text, add_help=False)
        routed.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "edxml":
        from vanthu.edxml.cli import main as edxml_main  # pure library: no Django set-up

        return edxml_main(args.args)
    if args.command == "workdays":
        from vanthu.workdays.cli import main as workdays_main

        return workdays_main(args.args)
    if args.command == "hub":
        # The hub has its own settings module: no Django set-up of the deployment here.
        from vanthu.hub.cli import main as hub_main

        return hub_main(args.args)
    if args.command == "verify":
        _setup()
        from django.core.management import call_command

        try:
            call_command("verify_pdf", *args.args)
        except SystemExit as exc:
            return int(exc.code or 0)
        return 0
    if args.command == "manage":
        _setup()
        _manage(*args.args)
        return 0
    if args.command == "worker":
        _setup()
        options = ["--once"] if args.once else []
        if args.every is not None:
            options += ["--every", str(args.every)]
        _manage("exchange_worker", *options)
        return 0
    if args.command == "check-files":
        _setup()
        _manage("check_files")
        return 0
    if args.command == "serve":
        _setup()
        return serve(args.port, workers=args.workers)
    return demo(args)


def demo(args: argparse.Namespace) -> int:
    _setup()
    if args.reset:
        _reset_embedded_database()
    if not args.province_only:
        from vanthu.demo.launcher import run_demo

        return run_demo(args)
    from vanthu.demo.launcher import prepare_province

    prepare_province(args.documents)
    url = f"http://127.0.0.1:{args.port}/"
    _print_logins(url)
    if args.no_serve:
        return 0
    from vanthu.demo import signing as demo_signing

    # The PKI's timestamp, CRL and OCSP services live in this process while gunicorn serves.
    services = demo_signing.start_services()
    if services is not None:
        print("\n".join(services.urls))
        print(
            f"Ký số: lãnh đạo nhập mật khẩu khóa «{demo_signing.DEMO_PASSWORD}» khi ký duyệt; "
            f"riêng {demo_signing.REMOTE_SIGNER} ký số từ xa, mã OTP hiện ở cửa sổ này. "
            "Con dấu cơ quan do máy chủ ký khi văn thư ban hành.",
            flush=True,
        )
    try:
        return serve(args.port)
    finally:
        if services is not None:
            services.stop()


def _reset_embedded_database() -> None:
    from django.conf import settings
    from django.db import connections

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        raise SystemExit(
            "--reset chỉ xóa cơ sở dữ liệu SQLite nhúng; với PostgreSQL hãy tự xóa và tạo lại "
            "cơ sở dữ liệu."
        )
    connections.close_all()
    path = Path(database["NAME"])
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    media = Path(settings.MEDIA_ROOT).resolve()
    # Only ever delete stored files that live under the variable-data directory.
    if media.is_dir() and Path(settings.VAR_DIR).resolve() in media.parents:
        shutil.rmtree(media)
    print(f"Đã xóa {path} và các tệp đã lưu.")


def province_logins() -> list[tuple[str, str, str, str]]:
    from vanthu.demo import DEMO_PASSWORD
    from vanthu.demo.accounts import demo_accounts
    from vanthu.demo.data import ACTIVE
    from vanthu.directory.models import Role

    names = {spec.slug: spec.name for spec in ACTIVE}
    rows = [("Tên đăng nhập", "Mật khẩu", "Cơ quan", "Vai trò")]
    rows += [
        (a.username, DEMO_PASSWORD, names[a.agency], Role(a.role).label)
        for a in demo_accounts()
        if a.featured
    ]
    return rows


def print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))


def _print_logins(url: str) -> None:
    from vanthu.demo import DEMO_PASSWORD
    from vanthu.demo.accounts import demo_accounts

    print()
    print_table(province_logins())
    print(
        f"\n{len(demo_accounts())} tài khoản, cùng mật khẩu «{DEMO_PASSWORD}»; danh sách đầy đủ: "
        "vanthu manage demo_accounts (hoặc docs/DEMO_ACCOUNTS.md)."
    )
    print(f"Địa chỉ: {url}\n", flush=True)


def serve(port: int, *, workers: int = 2) -> int:
    """Run gunicorn as a child and pass SIGINT/SIGTERM on to it.

    The child gets its own session, so a Ctrl-C in the terminal reaches it once (from us)
    rather than twice (from the terminal and from us)."""
    from vanthu.demo.stack import gunicorn_command

    command = gunicorn_command(port, workers=workers)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", SETTINGS),
    }
    child = subprocess.Popen(command, env=env, start_new_session=True)

    def forward(signum, _frame):
        if child.poll() is None:
            child.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = child.wait()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    # Stopped by our forwarded signal: a clean exit for whoever stopped us.
    return 0 if code in (0, -signal.SIGINT, -signal.SIGTERM) else code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
