"""The hub's command line and its separation from the main deployment."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

from vanthu.hub.cli import main
from vanthu.hub.process import PYCACHE


def hub_env(data_dir) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANTHU_HUB_")}
    env["VANTHU_HUB_DATA_DIR"] = str(data_dir)
    if env.pop("PYTHONDONTWRITEBYTECODE", None):
        env["PYTHONPYCACHEPREFIX"] = PYCACHE
    return env


def test_the_hubs_migrations_match_its_models(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemigrations", "hub", "--check", "--dry-run"],
        env={**hub_env(tmp_path), "DJANGO_SETTINGS_MODULE": "vanthu.hub.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_main_deployment_does_not_load_the_hub():
    assert "vanthu.hub" not in settings.INSTALLED_APPS


def test_called_where_django_runs_the_main_settings_it_runs_in_a_child(
    tmp_path, capfd, monkeypatch
):
    # The child inherits this environment: give it a bytecode cache so it starts quickly.
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        monkeypatch.delenv("PYTHONDONTWRITEBYTECODE")
        monkeypatch.setenv("PYTHONPYCACHEPREFIX", PYCACHE)
    # pytest-django has configured vanthu.settings here, as the `vanthu` script would.
    assert settings.ROOT_URLCONF == "vanthu.urls"
    code = main(
        [
            "add-agency",
            "--data-dir",
            str(tmp_path),
            "--system",
            "sys.none",
            "--code",
            "000.00.00.H41",
            "--name",
            "UBND tỉnh Nghệ An",
        ]
    )
    assert code == 2
    assert "Chưa có hệ thống sys.none." in capfd.readouterr().out
    assert (tmp_path / "hub.sqlite3").exists()  # the child used the hub's own database


def test_serve_refuses_a_port_another_server_listens_on(hub, tmp_path):
    """granian binds with SO_REUSEPORT: without the check a second hub would share the first
    one's port silently, each answering part of the requests."""
    env = {**hub.process.environment(), "VANTHU_HUB_DATA_DIR": str(tmp_path / "second")}
    result = subprocess.run(
        [sys.executable, "-m", "vanthu.hub", "serve", "--port", str(hub.process.port)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert f"Cổng 127.0.0.1:{hub.process.port} đang được dùng" in result.stdout
    assert not (tmp_path / "second" / "hub.sqlite3").exists()  # refused before migrating
    assert hub.client("sys.a").agencies()  # the first hub still answers
