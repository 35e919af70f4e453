"""The processes of the demo (and of the end-to-end tests): a hub and two VanThu deployments,
each with its web server and its exchange worker, as separate processes on loopback.

No Django import here: the layout, the environments and the child processes are plain data
and `subprocess`, so the demo's parent process and the tests drive the same code.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PROVINCE_PORT = 8000
HUB_PORT = 8100
MINISTRY_PORT = 8200
POLL_SECONDS = 2
HUB_OPERATOR = "vanhanh"
PROVINCE_SYSTEM = ("nghean", "Hệ thống quản lý văn bản tỉnh Nghệ An")
MINISTRY_SYSTEM = ("bonoivu", "Hệ thống quản lý văn bản Bộ Nội vụ")

# Variables that point one deployment at its own data: never inherited by the other one.
_PER_DEPLOYMENT = (
    "DATABASE_URL",
    "VANTHU_SQLITE_PATH",
    "VANTHU_MEDIA_ROOT",
    "VANTHU_KEY_DIR",
    "VANTHU_VAR_DIR",
    "VANTHU_PUBLIC_URL",
    "VANTHU_HUB_URL",
    "VANTHU_HUB_SYSTEM_ID",
    "VANTHU_HUB_SECRET",
    "VANTHU_EXCHANGE_POLL_SECONDS",
    "VANTHU_SESSION_COOKIE_NAME",
    "VANTHU_CSRF_COOKIE_NAME",
)


def clean_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    for key in _PER_DEPLOYMENT:
        env.pop(key, None)
    env["DJANGO_SETTINGS_MODULE"] = "vanthu.settings"
    return env


@dataclass(frozen=True)
class Deployment:
    """One VanThu deployment: its data, its port, its identity at the hub."""

    name: str  # "province" | "ministry"
    var_dir: Path
    port: int
    systemid: str
    system_name: str
    secret: str
    host: str = "127.0.0.1"  # the host name printed for browsers
    database_url: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def environment(self, hub_url: str, base: dict[str, str] | None = None) -> dict[str, str]:
        env = clean_environment(base)
        env.update(
            VANTHU_VAR_DIR=str(self.var_dir),
            VANTHU_PUBLIC_URL=self.url,
            VANTHU_HUB_URL=hub_url,
            VANTHU_HUB_SYSTEM_ID=self.systemid,
            VANTHU_HUB_SECRET=self.secret,
            VANTHU_EXCHANGE_POLL_SECONDS=str(POLL_SECONDS),
            # Two deployments on one host name would overwrite each other's cookies in a
            # browser (cookies ignore the port); the settings read these when present.
            VANTHU_SESSION_COOKIE_NAME=f"vanthu_{self.name}_session",
            VANTHU_CSRF_COOKIE_NAME=f"vanthu_{self.name}_csrftoken",
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        env.update(self.extra)
        return env


def load_secrets(path: Path) -> dict[str, str]:
    """The connected systems' secrets, generated on first use and kept (mode 0600) in the
    variable-data directory, which is never committed."""
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    values = {
        PROVINCE_SYSTEM[0]: secrets.token_urlsafe(32),
        MINISTRY_SYSTEM[0]: secrets.token_urlsafe(32),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(values, handle)
    return values


def hub_directory(*deployments: Deployment) -> dict:
    """The hub's connected systems (loaded by `vanthu hub serve --directory`); the agencies
    are registered by each deployment through the API (registerAgency)."""
    return {
        "systems": [
            {"systemid": d.systemid, "secret": d.secret, "name": d.system_name} for d in deployments
        ]
    }


def gunicorn_command(port: int, *, workers: int = 2, access_log: str | None = "-") -> list[str]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "vanthu.wsgi:application",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "--timeout",
        "180",
        # gunicorn 27 opens a control socket at one fixed path in $HOME by default; two
        # servers on one machine (demo and tests, or two checkouts) would fight over it.
        "--no-control-socket",
    ]
    if access_log:
        command += ["--access-logfile", access_log]
    return command


def worker_command(every: int = POLL_SECONDS) -> list[str]:
    return [sys.executable, "-m", "vanthu", "worker", "--every", str(every)]


def manage_command(*argv: str) -> list[str]:
    return [sys.executable, "-m", "vanthu", "manage", *argv]


class Child:
    """A child process in its own session (a Ctrl-C in the terminal reaches the parent
    only, which stops each child by its PID)."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], *, log: Path | None):
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self) -> Child:
        out = None
        if self.log is not None:
            self.log.parent.mkdir(parents=True, exist_ok=True)
            out = open(self.log, "ab")  # the child inherits its own copy; ours closes below
        try:
            self.proc = subprocess.Popen(
                self.argv,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT if out else None,
                start_new_session=True,
            )
        finally:
            if out is not None:
                out.close()
        return self

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait(self, timeout: float) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout=timeout)

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM (gunicorn's master stops its workers), SIGKILL if it lingers."""
        if not self.running():
            return
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=timeout)

    def tail(self, size: int = 4000) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return self.log.read_text("utf-8", errors="replace")[-size:]


def wait_healthy(port: int, *, timeout: float, child: Child | None = None) -> None:
    """Until GET /healthz answers 200 on 127.0.0.1:port; RuntimeError after `timeout` or when
    the child serving it exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child is not None and not child.running():
            raise RuntimeError(f"{child.name} đã dừng:\n{child.tail()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    tail = child.tail() if child is not None else ""
    raise RuntimeError(f"127.0.0.1:{port} chưa sẵn sàng sau {timeout:.0f} giây.\n{tail}")
