"""The hub under gunicorn, embedded so that `serve` migrates, prints its URLs and then
becomes the gunicorn master in the same process (one process group to stop)."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class HubServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from vanthu.hub.wsgi import application

        return application


def run_gunicorn(*, host: str, port: int, workers: int, threads: int, worker_class: str) -> int:
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": worker_class,
        "threads": threads if worker_class == "gthread" else 1,
        "timeout": 120,
        "graceful_timeout": 20,
        "keepalive": 30,
        "loglevel": "warning",
        "errorlog": "-",
        "accesslog": None,
        "proc_name": "vanthu-hub",
        # The application is imported once in the master and shared by the forked workers.
        "preload_app": True,
    }
    try:
        HubServer(options).run()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
