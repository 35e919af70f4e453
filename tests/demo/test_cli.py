"""The `vanthu` console script, run as a real process on a throw-away SQLite directory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("vanthu")


def _env(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(VANTHU_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="vanthu.settings")
    return env


def test_help_runs_as_console_script_and_module():
    for command in ([str(SCRIPT), "--help"], [sys.executable, "-m", "vanthu", "--help"]):
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        for sub in ("demo", "serve", "manage", "check-files", "hub", "worker"):
            assert sub in result.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.embedded_default
def test_demo_prepares_seeds_and_serves_until_stopped(tmp_path):
    env = _env(tmp_path / "var")
    prepared = subprocess.run(
        [str(SCRIPT), "demo", "--no-serve", "--documents", "12"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert prepared.returncode == 0, prepared.stderr
    assert "chuyenvien.stc" in prepared.stdout and "vanthu2026" in prepared.stdout
    assert (tmp_path / "var" / "vanthu.sqlite3").exists()
    # The second deployment and the hub are prepared too, each with its own database.
    assert "vanthu.bnv" in prepared.stdout and "/van-hanh/" in prepared.stdout
    assert (tmp_path / "var" / "ministry" / "vanthu.sqlite3").exists()
    secrets = tmp_path / "var" / "demo-exchange-secrets.json"
    assert secrets.stat().st_mode & 0o777 == 0o600
    systems = subprocess.run(
        [str(SCRIPT), "hub", "list", "--data-dir", str(tmp_path / "var" / "hub")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert systems.returncode == 0, systems.stderr
    assert "nghean" in systems.stdout and "bonoivu" in systems.stdout

    check = subprocess.run(
        [str(SCRIPT), "check-files"], capture_output=True, text=True, timeout=120, env=env
    )
    assert check.returncode == 0, check.stderr

    port = _free_port()
    server = subprocess.Popen(
        [str(SCRIPT), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = b""
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read()
                break
            except OSError:
                time.sleep(0.5)
        assert b'"status": "ok"' in body
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
