"""`vanthu demo`: the province (this process's deployment), a ministry and the hub between
them, each as its own processes on loopback, with the demo PKI's services in this process.

This process prepares the province in place (its Django settings are this process's) while
the ministry prepares itself in a child with its own environment; then the hub, both web
servers and both exchange workers start as children, each in its own session, so that a
Ctrl-C reaches this process only and it stops every child by PID.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from vanthu.demo import DEMO_PASSWORD, ministry, stack
from vanthu.demo import signing as demo_signing

PREPARE_TIMEOUT = 600  # the ministry's migrations and keys, on a busy machine
START_TIMEOUT = 120
EXCHANGE_TIMEOUT = 480  # a first start on a slow or busy machine; usually under a minute
_PROVINCE_OWN = ("VANTHU_SQLITE_PATH", "VANTHU_MEDIA_ROOT", "VANTHU_KEY_DIR")


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


@dataclass
class Layout:
    var: Path

    @property
    def ministry_var(self) -> Path:
        return self.var / "ministry"

    @property
    def hub_data(self) -> Path:
        return self.var / "hub"

    @property
    def secrets(self) -> Path:
        return self.var / "demo-exchange-secrets.json"

    @property
    def logs(self) -> Path:
        return self.var / "logs"

    @property
    def shared_pki(self) -> Path:
        return self.var / "demo-pki"

    def hub_url(self, port: int) -> str:
        return f"http://127.0.0.1:{port}"

    def deployments(self, province_port: int) -> tuple[stack.Deployment, stack.Deployment]:
        keys = stack.load_secrets(self.secrets)
        pki = {demo_signing.PKI_DIR_ENV: str(self.shared_pki)}
        province = stack.Deployment(
            name="province",
            var_dir=self.var,
            port=province_port,
            systemid=stack.PROVINCE_SYSTEM[0],
            system_name=stack.PROVINCE_SYSTEM[1],
            secret=keys[stack.PROVINCE_SYSTEM[0]],
            database_url=os.environ.get("DATABASE_URL", ""),
            # What points the province at its own data stays as the user set it.
            extra={**pki, **{k: os.environ[k] for k in _PROVINCE_OWN if k in os.environ}},
        )
        # Always SQLite under var/ministry, whatever the province uses. Printed as
        # "localhost": a browser keeps its cookies per host name, not per port.
        ministry_deployment = stack.Deployment(
            name="ministry",
            var_dir=self.ministry_var,
            port=stack.MINISTRY_PORT,
            systemid=stack.MINISTRY_SYSTEM[0],
            system_name=stack.MINISTRY_SYSTEM[1],
            secret=keys[stack.MINISTRY_SYSTEM[0]],
            host="localhost",
            extra=pki,
        )
        return province, ministry_deployment


def prepare_province(documents: int) -> None:
    say("Tỉnh Nghệ An: chuẩn bị cơ sở dữ liệu…")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed_demo", documents=documents, if_empty=True)
    if not demo_signing.is_set_up():
        say("Tỉnh Nghệ An: cấp chứng thư số thử nghiệm cho lãnh đạo và con dấu cơ quan…")
        done = demo_signing.set_up_signing()
        say(f"Đã cấp khóa ký số cho {done.people} lãnh đạo và {done.agencies} cơ quan.")


def reset(layout: Layout) -> None:
    """--reset: the province's embedded database and files, the ministry, the hub, the keys."""
    for path in (layout.ministry_var, layout.hub_data, layout.shared_pki, layout.logs):
        if path.is_dir() and layout.var.resolve() in path.resolve().parents:
            shutil.rmtree(path)
    for path in (layout.secrets, layout.var / "demo-exchange.done"):
        path.unlink(missing_ok=True)


class Demo:
    def __init__(self, args) -> None:
        self.args = args
        self.layout = Layout(Path(settings.VAR_DIR).resolve())
        self.province, self.ministry = self.layout.deployments(args.port)
        self.hub_port = stack.HUB_PORT
        self.hub_url = self.layout.hub_url(self.hub_port)
        self.children: list[stack.Child] = []
        self.hub = None
        self.services = None

    # -- preparing ---------------------------------------------------------------------

    def _child(self, name: str, argv: list[str], env: dict[str, str], *, log: bool = True):
        child = stack.Child(name, argv, env, log=self.layout.logs / f"{name}.log" if log else None)
        self.children.append(child.start())
        return child

    def _hub_process(self):
        from vanthu.hub.process import HubProcess

        hub = HubProcess(
            self.layout.hub_data,
            port=self.hub_port,
            directory=stack.hub_directory(self.province, self.ministry),
        )
        if hub.directory_path is not None:
            hub.directory_path.chmod(0o600)  # it holds the systems' secrets
        return hub

    def prepare(self) -> None:
        self.layout.ministry_var.mkdir(parents=True, exist_ok=True)
        ministry_env = self.ministry.environment(self.hub_url)
        say("Bộ Nội vụ: chuẩn bị cơ sở dữ liệu, tài khoản và khóa ký số (tiến trình riêng)…")
        seed = self._child(
            "chuan-bi-bo",
            stack.manage_command("seed_ministry", "--if-empty", "--migrate"),
            ministry_env,
        )
        self.hub = self._hub_process()
        hub_cli = [sys.executable, "-m", "vanthu.hub"]
        systems = self._child(
            "chuan-bi-truc",
            [*hub_cli, "load-directory", str(self.hub.directory_path)],
            self.hub.environment(),
        )
        prepare_province(self.args.documents)
        self._await(systems, "trục liên thông")
        # After the systems: two hub commands at once would both create its database.
        operator = self._child(
            "tai-khoan-truc",
            [*hub_cli, "add-operator", "--username", stack.HUB_OPERATOR, "--password",
             DEMO_PASSWORD],
            self.hub.environment(),
        )  # fmt: skip
        self._await(operator, "tài khoản vận hành trục")
        self._await(seed, "Bộ Nội vụ")
        say("Bộ Nội vụ và trục liên thông đã sẵn sàng.")

    def _await(self, child: stack.Child, what: str) -> None:
        say(f"Chờ {what} chuẩn bị xong…")
        code = child.wait(PREPARE_TIMEOUT)
        if code != 0:
            raise SystemExit(f"Không chuẩn bị được {what} (mã {code}):\n{child.tail()}")

    # -- running -----------------------------------------------------------------------

    def start(self) -> None:
        self.services = demo_signing.start_services()
        say(f"Khởi động trục liên thông trên cổng {self.hub_port}…")
        self.hub.start(timeout=START_TIMEOUT)
        say("Khởi động máy chủ web của Tỉnh và của Bộ, và hai tiến trình liên thông…")
        # Built after start_services: the TSA address and the seal password it put in the
        # environment go to every child.
        envs = {d.name: d.environment(self.hub_url) for d in (self.province, self.ministry)}
        webs = {}
        for d, label in ((self.province, "tinh"), (self.ministry, "bo")):
            webs[d.name] = self._child(f"web-{label}", stack.gunicorn_command(d.port), envs[d.name])
            self._child(f"lien-thong-{label}", stack.worker_command(), envs[d.name])
        for d in (self.province, self.ministry):
            stack.wait_healthy(d.port, timeout=START_TIMEOUT, child=webs[d.name])
        say("Các máy chủ đã sẵn sàng.")

    def exchange(self) -> None:
        """The seeded documents exchanged both ways, on the first start only."""
        done = [(d.var_dir / "demo-exchange.done").exists() for d in (self.province, self.ministry)]
        if all(done):
            return
        say("Gửi văn bản liên thông trình diễn giữa Tỉnh và Bộ qua trục (chỉ lần đầu)…")
        runs = [
            stack.Child(
                f"demo-exchange-{d.name}",
                stack.manage_command(
                    "demo_exchange", d.name, "--timeout", str(EXCHANGE_TIMEOUT // 2)
                ),
                d.environment(self.hub_url),
                log=None,  # its progress lines go straight to this console
            ).start()
            for d in (self.province, self.ministry)
        ]
        self.children += runs
        deadline = time.monotonic() + EXCHANGE_TIMEOUT
        for run in runs:
            try:
                code = run.wait(max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                run.stop()
                code = -1
            if code != 0:
                say(
                    "Chưa hoàn tất văn bản liên thông trình diễn; hệ thống vẫn chạy, lần khởi "
                    "động sau sẽ làm tiếp."
                )
                return

    def serve_forever(self) -> int:
        stopping = False

        def stop(signum, _frame):
            nonlocal stopping
            stopping = True

        previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
        reported: set[str] = set()
        try:
            while not stopping:
                for child in self.children:
                    if child.name.startswith(("web-", "lien-thong-")) and not child.running():
                        if child.name not in reported:
                            reported.add(child.name)
                            say(f"Tiến trình {child.name} đã dừng; nhật ký: {child.log}")
                time.sleep(0.5)
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
        return 0

    def stop(self) -> None:
        for child in reversed(self.children):
            child.stop()
        if self.hub is not None:
            self.hub.stop()
        if self.services is not None:
            self.services.stop()

    # -- printing ----------------------------------------------------------------------

    def banner(self) -> None:
        from vanthu.cli import print_table, province_logins

        say("")
        say("VanThu — bản trình diễn liên thông")
        say(f"  Tỉnh Nghệ An (UBND tỉnh, các sở, xã):  {self.province.url}/")
        say(f"  Bộ Nội vụ:                             {self.ministry.url}/")
        say(
            f"  Trục liên thông, trang vận hành:       {self.hub_url}/van-hanh/  "
            f"(đăng nhập {stack.HUB_OPERATOR} / {DEMO_PASSWORD})"
        )
        say(f"  API trục (VXP):                        {self.hub_url}/")
        if self.services is not None:
            for line in self.services.urls:
                label, url = line.split(": ", 1)
                say(f"  {label + ':':<39}{url}")
        say(f"  Nhật ký các tiến trình:                {self.layout.logs}/")
        say("\nTài khoản của Tỉnh:")
        print_table(province_logins())
        say("\nTài khoản của Bộ Nội vụ:")
        print_table(ministry_logins())
        say(
            f"\nMọi tài khoản dùng mật khẩu «{DEMO_PASSWORD}». Văn bản liên thông trình diễn: "
            "xem «Văn bản đi» của UBND tỉnh và của Bộ, mục «Tình trạng tại nơi nhận»."
        )
        if self.services is not None:
            say(
                f"Ký số: lãnh đạo nhập mật khẩu khóa «{DEMO_PASSWORD}» khi ký duyệt; riêng "
                f"{demo_signing.REMOTE_SIGNER} ký số từ xa, mã OTP hiện ở cửa sổ này."
            )
        say("Nhấn Ctrl-C để dừng tất cả.\n")


def ministry_logins() -> list[tuple[str, str, str, str]]:
    from vanthu.directory.models import Role

    names = ministry.full_names()
    return [("Tên đăng nhập", "Mật khẩu", "Họ và tên", "Vai trò")] + [
        (a.username, DEMO_PASSWORD, names[a.username], _role(Role(a.role).label, a.position))
        for a in ministry.ACCOUNTS
        if a.featured
    ]


def _interrupt(signum, _frame):
    raise KeyboardInterrupt


def _role(label: str, position: str) -> str:
    return label if position == label else f"{label} ({position})"


def run_demo(args) -> int:
    # A SIGTERM while preparing stops the children too, as a Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    demo = Demo(args)
    if args.reset:
        reset(demo.layout)
        demo = Demo(args)  # new secrets for the new hub
    try:
        demo.prepare()
        if args.no_serve:
            demo.banner()
            return 0
        demo.start()
        demo.exchange()
        demo.banner()
        return demo.serve_forever()
    except KeyboardInterrupt:  # Ctrl-C before the servers were up
        say("Đã dừng.")
        return 0
    finally:
        demo.stop()
