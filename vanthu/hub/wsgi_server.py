"""The HTTP servers the hub runs under, embedded so that `serve` migrates, prints its URLs and
then becomes the server's master in the same process (one process group to stop).

Granian is the default. Its HTTP parsing and connection handling are in Rust, and a request
costs the hub's CPU about a third of what gunicorn's gthread worker costs (measured in
benchmarks/hub_bench.py, which runs both). A package takes three to four calls, so this is
the largest single cost in the hub's throughput. gunicorn stays available as the baseline and
for operators who already run it.
"""

from __future__ import annotations

import socket
from typing import Any

SERVERS = ("granian", "gunicorn")


class PortTaken(Exception):
    pass


def run_server(
    server: str, *, host: str, port: int, workers: int, threads: int, worker_class: str
) -> int:
    if server == "granian":
        return run_granian(host=host, port=port, workers=workers, threads=threads)
    return run_gunicorn(
        host=host, port=port, workers=workers, threads=threads, worker_class=worker_class
    )


def refuse_taken_port(host: str, port: int) -> None:
    """Raise PortTaken if something already listens on (host, port).

    granian's workers bind with SO_REUSEPORT, so a second server started on a port that one
    already serves (a second hub, a mistyped port) would not fail: the kernel would share
    the connections between the two, and each would see some of its systems' requests. One
    bind without SO_REUSEPORT first makes a taken port the error it is under gunicorn."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # A previous run's connections in TIME_WAIT do not make the port taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortTaken(f"Cổng {host}:{port} đang được dùng ({exc.strerror}).") from None


def run_granian(*, host: str, port: int, workers: int, threads: int) -> int:
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces
    from granian.log import LogLevels

    refuse_taken_port(host, port)  # again, as close to the workers' bind as it can be
    Granian(
        "vanthu.hub.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        # The VXP clients speak HTTP/1.1; no upgrade path to keep open.
        http=HTTPModes.http1,
        websockets=False,
        workers=workers,
        # WSGI calls block (database, fsync): they run on this many threads per worker.
        blocking_threads=threads,
        # A worker that dies (out of memory, a crash in a C library) is replaced, as gunicorn
        # does; the packages it was accepting were not yet OK'd, so their senders retry.
        respawn_failed_workers=True,
        workers_kill_timeout=20,
        log_level=LogLevels.warning,
        log_access=False,
    ).serve()
    return 0


def run_gunicorn(*, host: str, port: int, workers: int, threads: int, worker_class: str) -> int:
    from gunicorn.app.base import BaseApplication

    class HubServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from vanthu.hub.wsgi import application

            return application

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
        HubServer().run()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
