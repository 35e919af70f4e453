"""A hub server as a child process, for tests, benchmarks and the demo (pure Python, no
Django import).

The server runs in its own process group (session), so stopping it, or killing it with
SIGKILL to simulate a crash, reaches the HTTP server's master and every worker at once.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

PYCACHE = os.path.join(tempfile.gettempdir(), "vanthu-hub-pycache")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class HubProcess:
    """``python -m vanthu.hub serve`` on 127.0.0.1 with its own data directory and database."""

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        *,
        port: int | None = None,
        database_url: str = "",
        workers: int = 2,
        threads: int = 4,
        server: str = "granian",
        worker_class: str = "gthread",
        organ_id: str = "000.00.00.G22",
        directory: dict[str, Any] | None = None,
        env: dict[str, str] | None = None,
        federate_every: float | None = None,
        sync_every: float = 300.0,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.database_url = database_url
        self.workers = workers
        self.threads = threads
        self.server = server
        self.worker_class = worker_class
        self.organ_id = organ_id
        self.federate_every = federate_every
        self.sync_every = sync_every
        self.extra_env = dict(env or {})
        self.log_path = self.data_dir / "server.log"
        self.directory_path: Path | None = None
        if directory is not None:
            self.directory_path = self.data_dir / "directory.json"
            # It holds the systems' secrets: readable by this user only, from the start.
            fd = os.open(self.directory_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(directory, handle, ensure_ascii=False)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("VANTHU_HUB_") and key != "DJANGO_SETTINGS_MODULE"
        }
        # Each hub process imports Django afresh; with bytecode writing disabled (as in the
        # test environment) that is seconds of compiling per start. A shared cache outside
        # the source tree makes restarts quick without writing into the repository.
        if env.pop("PYTHONDONTWRITEBYTECODE", None):
            env.setdefault("PYTHONPYCACHEPREFIX", PYCACHE)
        env["VANTHU_HUB_DATA_DIR"] = str(self.data_dir)
        env["VANTHU_HUB_ORGAN_ID"] = self.organ_id
        if self.database_url:
            env["VANTHU_HUB_DATABASE_URL"] = self.database_url
        env.update(self.extra_env)
        return env

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run one `python -m vanthu.hub` command against this hub's data."""
        return subprocess.run(
            [sys.executable, "-m", "vanthu.hub", *args],
            env=self.environment(),
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
        )

    def start(self, timeout: float = 60.0) -> HubProcess:
        argv = [
            sys.executable,
            "-m",
            "vanthu.hub",
            "serve",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--server",
            self.server,
            "--worker-class",
            self.worker_class,
        ]
        if self.directory_path is not None:
            argv += ["--directory", str(self.directory_path)]
        if self.federate_every is not None:
            argv += ["--federate", "--every", str(self.federate_every)]
            argv += ["--sync-every", str(self.sync_every)]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                argv,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"hub exited with {self.proc.returncode}:\n{self.log()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"hub not ready after {timeout} s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text("utf-8", errors="replace")[-5000:]
        except OSError:
            return ""

    @property
    def pgid(self) -> int:
        assert self.proc is not None
        return self.proc.pid  # start_new_session: the leader's pid is the group id

    def stop(self, timeout: float = 20.0) -> None:
        """Graceful stop (SIGTERM to the whole group), SIGKILL if it lingers."""
        if self.proc is None or self.proc.poll() is not None:
            self.proc = None
            return
        try:
            os.killpg(self.pgid, signal.SIGTERM)
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        except ProcessLookupError:
            pass
        self._reap_group()
        self.proc = None

    def kill(self) -> None:
        """A crash: SIGKILL to the master and every worker at the same instant."""
        if self.proc is None:
            return
        try:
            os.killpg(self.pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=20)
        self._reap_group()
        self.proc = None

    def _reap_group(self) -> None:
        # Workers orphaned by a killed master get SIGKILL too; wait until the group is empty
        # so the port and the database are free for a restart.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.pgid, signal.SIGKILL)
            except ProcessLookupError:
                return
            time.sleep(0.05)


class PostgresDatabase:
    """A throw-away PostgreSQL database next to the one ``base_url`` names."""

    def __init__(self, base_url: str, prefix: str = "vanthu_hub_t") -> None:
        self.name = f"{prefix}{uuid.uuid4().hex[:10]}"
        parts = urlsplit(base_url)
        self._admin = urlunsplit(parts._replace(path="/postgres"))
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))

    def _run(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self._admin, autocommit=True) as conn:
            conn.execute(sql)

    def create(self) -> PostgresDatabase:
        self._run(f'CREATE DATABASE "{self.name}"')
        return self

    def drop(self) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))
