from __future__ import annotations

import os
import socket

import pytest

from tests import files as sample_files
from tests.personas import PASSWORD, build_world
from vanthu.documents.models import DocumentType
from vanthu.documents.types_data import load_document_types


def pytest_collection_modifyitems(config, items):
    """Tests of the Quick start's embedded default (SQLite and local files) clear DATABASE_URL
    for the processes they start, so on the PostgreSQL pass they would only repeat the
    SQLite pass, minutes of it for the whole demo. They run once, in the SQLite pass."""
    if not os.environ.get("DATABASE_URL"):
        return
    dropped = [item for item in items if item.get_closest_marker("embedded_default")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker("embedded_default")]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Personas log in thousands of times across the suite; a real hasher would dominate it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_outbound_network(monkeypatch):
    """Tests talk to loopback only; any other destination is a bug in the test or the code."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("::1", "localhost") or host.startswith("/")
        ):
            raise RuntimeError(f"outbound network access attempted to {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def world(db):
    # Transactional tests (threads, live server) flush every table at their end, including
    # the document types the migration loaded; put them back for whoever runs next.
    load_document_types(DocumentType)
    return build_world()


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def pdf_bytes():
    return sample_files.pdf(["Quyết định về việc phê duyệt kế hoạch"])


@pytest.fixture
def in_ci():
    return os.environ.get("CI") == "true"
