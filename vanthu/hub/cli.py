"""`python -m vanthu.hub` (and `vanthu hub ...`): serve the hub, run its federation loop,
manage its connected systems, agencies and operators. Argument parsing and process control
only; state changes go through the hub's actions and models."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Sequence

from .wsgi_server import SERVERS

SETTINGS = "vanthu.hub.settings"


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        help="database (SQLite) and payload directory; default $VANTHU_HUB_DATA_DIR or ./var-hub",
    )
    parser = argparse.ArgumentParser(
        prog="vanthu hub", description="Trục liên thông văn bản (VXP) của VanThu."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", parents=[common], help="migrate the hub's database and serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8100)
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument("--threads", type=int, default=4, help="request threads per worker")
    serve.add_argument(
        "--server", choices=SERVERS, default="granian", help="HTTP server (default granian)"
    )
    serve.add_argument(
        "--worker-class", choices=["gthread", "sync"], default="gthread", help="gunicorn only"
    )
    serve.add_argument(
        "--federate", action="store_true", help="also run the federation loop as a child process"
    )
    serve.add_argument("--every", type=float, default=2.0, help="federation period in seconds")
    serve.add_argument(
        "--sync-every", type=float, default=300.0, help="agency list sync period in seconds"
    )
    serve.add_argument(
        "--directory", metavar="FILE", help="load systems and agencies from FILE before serving"
    )

    federate = sub.add_parser(
        "federate", parents=[common], help="forward to and pull from the upstream hub, forever"
    )
    federate.add_argument("--every", type=float, default=2.0)
    federate.add_argument(
        "--sync-every", type=float, default=300.0, help="agency list sync period in seconds"
    )
    federate.add_argument("--once", action="store_true", help="one round, then exit")

    system = sub.add_parser("add-system", parents=[common], help="add or update a connected system")
    system.add_argument("--systemid", required=True)
    system.add_argument("--secret", required=True)
    system.add_argument("--name", required=True)

    agency = sub.add_parser("add-agency", parents=[common], help="add or update an agency")
    agency.add_argument("--system", required=True, help="systemid of the hosting system")
    agency.add_argument("--code", required=True, help="QCVN 102 code, e.g. 000.00.00.H41")
    agency.add_argument("--code-qd20", default="", help="QĐ 20/2020 code")
    agency.add_argument("--name", required=True)

    operator = sub.add_parser(
        "add-operator", parents=[common], help="add or update an operator login"
    )
    operator.add_argument("--username", required=True)
    operator.add_argument("--password", required=True)

    load = sub.add_parser(
        "load-directory",
        parents=[common],
        help="add or update systems and agencies from a JSON file",
        description='JSON: {"systems": [{"systemid", "secret", "name"}], '
        '"agencies": [{"system", "code", "code_qd20", "name"}]}',
    )
    load.add_argument("file")

    sub.add_parser("list", parents=[common], help="print the systems and agencies")
    sub.add_parser("migrate", parents=[common], help="create or upgrade the hub's database")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    if args.data_dir:
        os.environ["VANTHU_HUB_DATA_DIR"] = os.path.abspath(args.data_dir)
    if not _setup():
        # Django is already configured in this process for the main deployment (the
        # `vanthu` console script): the hub runs with its own settings in a child process.
        return subprocess.call([sys.executable, "-m", "vanthu.hub", *argv])
    command = args.command.replace("-", "_")
    return int(globals()[f"_cmd_{command}"](args) or 0)


def _setup() -> bool:
    from django.conf import settings

    if settings.configured:
        # pytest-django and override_settings wrap the settings: ask what is installed.
        return "vanthu.hub" in settings.INSTALLED_APPS
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()
    return True


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _cmd_migrate(args: argparse.Namespace) -> int:
    _migrate()
    _out("Đã cập nhật cơ sở dữ liệu của trục.")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.db import connections

    from .payloads import payload_storage
    from .wsgi_server import PortTaken, refuse_taken_port, run_server

    try:
        refuse_taken_port(args.host, args.port)  # before migrating, printing or forking
    except PortTaken as exc:
        _out(str(exc))
        return 2
    _migrate()
    if args.directory:
        _load_directory(args.directory)
    payload_storage().clean_temp(3600, time.time())
    connections.close_all()  # no connection may cross the fork into the workers
    base = f"http://{args.host}:{args.port}"
    _out(f"Trục liên thông VanThu ({settings.HUB_ORGAN_ID})")
    _out(f"  API VXP:        {base}/  (POST /sendEdoc, /getReceivedEdocList, ...)")
    _out(f"  Trang vận hành: {base}/van-hanh/")
    _out(f"  Dữ liệu:        {settings.DATA_DIR}")
    child = None
    if args.federate:
        if not settings.HUB_UPSTREAM_URL:
            _out("--federate cần VANTHU_HUB_UPSTREAM_URL, _SYSTEM_ID và _SECRET.")
            return 2
        _out(f"  Trục cấp trên:  {settings.HUB_UPSTREAM_URL} (đồng bộ mỗi {args.every} giây)")
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "vanthu.hub",
                "federate",
                "--every",
                str(args.every),
                "--sync-every",
                str(args.sync_every),
            ],
            env={**os.environ, "VANTHU_HUB_DATA_DIR": str(settings.DATA_DIR)},
        )
    try:
        return run_server(
            args.server,
            host=args.host,
            port=args.port,
            workers=args.workers,
            threads=args.threads,
            worker_class=args.worker_class,
        )
    except PortTaken as exc:  # taken while the database was being migrated
        _out(str(exc))
        return 2
    finally:
        if child is not None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def _cmd_federate(args: argparse.Namespace) -> int:
    from . import federation

    return federation.run(every=args.every, once=args.once, sync_every=args.sync_every)


def _cmd_add_system(args: argparse.Namespace) -> int:
    from . import directory

    _migrate()
    system, created = directory.add_system(args.systemid, args.secret, args.name)
    _out(f"{'Đã thêm' if created else 'Đã cập nhật'} hệ thống {system.systemid}: {system.name}")
    return 0


def _cmd_add_agency(args: argparse.Namespace) -> int:
    from . import directory
    from .errors import HubError

    _migrate()
    try:
        agency, created = directory.add_agency(
            args.system, args.code, args.name, code_qd20=args.code_qd20
        )
    except HubError as exc:
        _out(exc.message)
        return 2
    action = "Đã thêm" if created else "Đã cập nhật"
    _out(f"{action} cơ quan {agency.code} ({agency.name}) thuộc hệ thống {args.system}")
    return 0


def _cmd_add_operator(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model

    _migrate()
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=args.username)
    user.set_password(args.password)
    user.is_staff = True
    user.save()
    _out(f"{'Đã thêm' if created else 'Đã cập nhật'} người vận hành {user.username}")
    return 0


def _cmd_load_directory(args: argparse.Namespace) -> int:
    from .errors import HubError

    _migrate()
    try:
        _load_directory(args.file)
    except (OSError, ValueError, KeyError, HubError) as exc:
        _out(f"Không nạp được danh bạ {args.file}: {exc}")
        return 2
    return 0


def _load_directory(filename: str) -> None:
    import json

    from . import directory

    with open(filename, encoding="utf-8") as handle:
        content = json.load(handle)
    for item in content.get("systems", []):
        directory.add_system(item["systemid"], item["secret"], item["name"])
    for item in content.get("agencies", []):
        directory.add_agency(
            item["system"], item["code"], item["name"], code_qd20=item.get("code_qd20", "")
        )
    systems, agencies = len(content.get("systems", [])), len(content.get("agencies", []))
    _out(f"Đã nạp {systems} hệ thống và {agencies} cơ quan từ {filename}")


def _cmd_list(args: argparse.Namespace) -> int:
    from .models import WAITING, Agency, Delivery, System

    _migrate()
    for system in System.objects.order_by("systemid"):
        pending = Delivery.objects.filter(system=system, state__in=WAITING)
        _out(f"{system.systemid}\t{system.get_kind_display()}\t{system.name}")
        _out(f"  chờ nhận: {pending.count()}")
        for agency in Agency.objects.filter(system=system).order_by("code"):
            qd20 = f" / {agency.code_qd20}" if agency.code_qd20 else ""
            _out(f"  {agency.code}{qd20}\t{agency.name}")
    return 0
