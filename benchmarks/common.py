"""Shared set-up of the benchmark scripts: which database, Django start-up, timing helpers.

The benchmarks use DATABASE_URL when it is set (PostgreSQL), otherwise their own SQLite file
var/bench/vanthu_bench.sqlite3 (VANTHU_SQLITE_PATH), never the demo's var/vanthu.sqlite3.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
BENCH_PASSWORD = "bench-2026"  # noqa: S105 - throw-away accounts of a local benchmark


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.settings")
    if not os.environ.get("DATABASE_URL"):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("VANTHU_SQLITE_PATH", str(BENCH_DIR / "vanthu_bench.sqlite3"))
    os.environ.setdefault("VANTHU_MEDIA_ROOT", str(BENCH_DIR / "files"))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def database_label() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} ({settings['NAME']})"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version} (database {settings['NAME']})"


def machine_label() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} CPU ({cpu}){memory}, Python {platform.python_version()}"


@contextmanager
def phase(label: str):
    started = time.perf_counter()
    print(f"  {label} …", end="", flush=True)
    yield
    print(f" {time.perf_counter() - started:.1f} s", flush=True)
