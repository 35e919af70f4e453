"""The end-to-end network: a hub and two VanThu deployments (the demo province and the demo
ministry), each deployment with its own gunicorn server, exchange worker, variable-data
directory and database, all real processes on 127.0.0.1 free ports.

With DATABASE_URL naming PostgreSQL, the hub and each deployment get their own throw-away
PostgreSQL database (created here, dropped at the end), so that run exercises PostgreSQL.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from tests.e2e.web import WebUser
from vanthu.demo import stack
from vanthu.hub.process import HubProcess, PostgresDatabase, free_port, is_postgres_url

REPO = Path(__file__).resolve().parents[2]
SETUP_TIMEOUT = 240  # migrations of two databases at once on a busy 2-core machine
START_TIMEOUT = 90


class Network:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.databases: list[PostgresDatabase] = []
        self.children: dict[str, stack.Child] = {}
        self.users: dict[tuple[str, str], WebUser] = {}
        base = os.environ.get("DATABASE_URL", "")
        self.postgres = base if is_postgres_url(base) else ""
        self.hub: HubProcess | None = None

    # -- building ------------------------------------------------------------------------

    def _database(self, role: str) -> str:
        if not self.postgres:
            return ""
        db = PostgresDatabase(self.postgres, prefix=f"vanthu_e2e_{role}_")
        self.databases.append(db)
        if role == "hub":  # the deployments' are copies of the template (_copy_template)
            db.create()
        return db.url

    def _migrate_template(self) -> stack.Child:
        """Migrations take most of a deployment's set-up: run them once, into a template
        that both deployments copy (a file on SQLite, CREATE DATABASE … TEMPLATE on
        PostgreSQL)."""
        template = stack.Deployment(
            name="template",
            var_dir=self.root / "template",
            port=0,
            systemid="",
            system_name="",
            secret="",
            database_url=self._template_db.url if self.postgres else "",
            extra={"DJANGO_SETTINGS_MODULE": "tests.e2e.settings", "PYTHONPATH": str(REPO)},
        )
        child = stack.Child(
            "migrate",
            stack.manage_command("migrate", "--verbosity", "0"),
            template.environment(""),
            log=self.root / "migrate.log",
        )
        self.children["migrate"] = child.start()
        return child

    def _copy_template(self) -> None:
        if self.postgres:
            for d in self.deployments.values():
                name = d.database_url.rsplit("/", 1)[1]
                self._template_db._run(
                    f'CREATE DATABASE "{name}" TEMPLATE "{self._template_db.name}"'
                )
            return
        source = self.root / "template"
        for d in self.deployments.values():
            d.var_dir.mkdir(parents=True, exist_ok=True)
            # The write-ahead log too: a process that exits without closing its connection
            # leaves the last transactions there.
            for name in ("vanthu.sqlite3", "vanthu.sqlite3-wal"):
                if (source / name).exists():
                    shutil.copyfile(source / name, d.var_dir / name)

    def _deployment(self, name: str, system: tuple[str, str]) -> stack.Deployment:
        return stack.Deployment(
            name=name,
            var_dir=self.root / name,
            port=free_port(),
            systemid=system[0],
            system_name=system[1],
            secret=secrets.token_urlsafe(24),
            database_url=self._database(name),
            extra={"DJANGO_SETTINGS_MODULE": "tests.e2e.settings", "PYTHONPATH": str(REPO)},
        )

    def env(self, deployment: stack.Deployment) -> dict[str, str]:
        assert self.hub is not None
        return deployment.environment(self.hub.url)

    def start(self) -> Network:
        if self.postgres:
            self._template_db = PostgresDatabase(self.postgres, prefix="vanthu_e2e_tpl_")
            self.databases.append(self._template_db)
            self._template_db.create()
        migrate = self._migrate_template()
        self.province = self._deployment("province", stack.PROVINCE_SYSTEM)
        self.ministry = self._deployment("ministry", stack.MINISTRY_SYSTEM)
        self.deployments = {"province": self.province, "ministry": self.ministry}
        self.hub = HubProcess(
            self.root / "hub",
            database_url=self._database("hub"),
            directory=stack.hub_directory(self.province, self.ministry),
            workers=2,
        )
        self.hub.start(timeout=START_TIMEOUT)
        code = migrate.wait(SETUP_TIMEOUT)
        assert code == 0, f"migrate ended with {code}:\n{migrate.tail()}"
        self._copy_template()
        # The servers and workers start while the deployments seed: their imports take
        # seconds, and they need nothing of the seed until the tests begin.
        for d in self.deployments.values():
            self._spawn(
                f"web-{d.name}", stack.gunicorn_command(d.port, workers=1, access_log=None), d
            )
            self.start_worker(d.name)
        for d in self.deployments.values():
            self._spawn(
                f"deploy-{d.name}",
                [sys.executable, str(REPO / "tests" / "e2e" / "deploy.py"), d.name],
                d,
            )
        for d in self.deployments.values():
            child = self.children[f"deploy-{d.name}"]
            try:
                code = child.wait(SETUP_TIMEOUT)
            except subprocess.TimeoutExpired:
                code = None
            assert code == 0, f"{child.name} ended with {code}:\n{child.tail()}"
        for d in self.deployments.values():
            stack.wait_healthy(d.port, timeout=START_TIMEOUT, child=self.children[f"web-{d.name}"])
            worker = self.children[f"worker-{d.name}"]
            assert worker.running(), f"{worker.name} stopped:\n{worker.tail()}"
        return self

    def _spawn(self, name: str, argv: list[str], deployment: stack.Deployment) -> stack.Child:
        child = stack.Child(name, argv, self.env(deployment), log=self.root / f"{name}.log")
        self.children[name] = child.start()
        return child

    # -- acting ----------------------------------------------------------------------------

    def user(self, side: str, username: str) -> WebUser:
        key = (side, username)
        if key not in self.users:
            self.users[key] = WebUser(self.deployments[side].url, username)
        return self.users[key]

    def stop_worker(self, side: str) -> None:
        self.children[f"worker-{side}"].stop()

    def start_worker(self, side: str) -> None:
        self._spawn(f"worker-{side}", stack.worker_command(every=1), self.deployments[side])

    def kill_hub(self) -> None:
        assert self.hub is not None
        self.hub.kill()

    def restart_hub(self) -> None:
        assert self.hub is not None
        self.hub.start(timeout=START_TIMEOUT)

    def logs(self) -> str:
        parts = [f"--- {name}\n{child.tail(3000)}" for name, child in self.children.items()]
        if self.hub is not None:
            parts.append(f"--- hub\n{self.hub.log()[-3000:]}")
        return "\n".join(parts)

    def stop(self) -> None:
        for child in reversed(list(self.children.values())):
            child.stop()
        if self.hub is not None:
            self.hub.stop()
        for db in self.databases:
            db.drop()
