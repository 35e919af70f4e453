"""Hub servers as real processes on 127.0.0.1, each with its own data directory and database:
SQLite by default, a throw-away PostgreSQL database when the suite runs on PostgreSQL
(DATABASE_URL), so that run exercises the hub on PostgreSQL too."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from vanthu.edxml import Organization, build_edoc, build_status
from vanthu.hub.process import HubProcess, PostgresDatabase, is_postgres_url
from vanthu.vxp import VxpClient

from ..edxml.factories import make_edoc, make_status

H41 = "000.00.00.H41"  # UBND tỉnh Nghệ An, on system A (a VanThu deployment)
H41_QD20 = "H41"
SO_NV = "000.00.02.H41"  # Sở Nội vụ Nghệ An, also on A
SO_TTTT_QN = "000.00.15.H47"  # on system B (another vendor's product)
HUYEN_QN = "001.00.10.H47"  # also on B
BO_NV = "000.00.00.G09"  # Bộ Nội vụ, on system C

SECRETS = {"sys.a": "secret-of-a-0123456789", "sys.b": "secret-of-b-0123456789"}
SECRETS["sys.c"] = "secret-of-c-0123456789"

DIRECTORY: dict[str, Any] = {
    "systems": [
        {"systemid": "sys.a", "secret": SECRETS["sys.a"], "name": "VanThu UBND tỉnh Nghệ An"},
        {"systemid": "sys.b", "secret": SECRETS["sys.b"], "name": "Phần mềm QLVB tỉnh Quảng Nam"},
        {"systemid": "sys.c", "secret": SECRETS["sys.c"], "name": "QLVB Bộ Nội vụ"},
    ],
    "agencies": [
        {"system": "sys.a", "code": H41, "code_qd20": H41_QD20, "name": "UBND tỉnh Nghệ An"},
        {"system": "sys.a", "code": SO_NV, "name": "Sở Nội vụ tỉnh Nghệ An"},
        {"system": "sys.b", "code": SO_TTTT_QN, "name": "Sở TT&TT Quảng Nam"},
        {"system": "sys.b", "code": HUYEN_QN, "name": "UBND huyện Duy Xuyên"},
        {"system": "sys.c", "code": BO_NV, "name": "Bộ Nội vụ"},
    ],
}


class Hub:
    """A running hub and ways to look inside it (its database and payload directory)."""

    def __init__(self, process: HubProcess, database: PostgresDatabase | None) -> None:
        self.process = process
        self.database = database

    @property
    def url(self) -> str:
        return self.process.url

    def client(self, systemid: str, secret: str | None = None) -> VxpClient:
        return VxpClient(self.url, systemid, secret or SECRETS[systemid], timeout=30)

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        if self.database is not None:
            import psycopg

            with psycopg.connect(self.database.url) as conn:
                return list(conn.execute(sql.replace("?", "%s"), params).fetchall())
        path = self.process.data_dir / "hub.sqlite3"
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as conn:
            return list(conn.execute(sql, params).fetchall())

    def count(self, table: str) -> int:
        return int(self.query(f"SELECT COUNT(*) FROM {table}")[0][0])

    def payload_files(self) -> list[Path]:
        return sorted((self.process.data_dir / "packages").rglob("*.edxml"))

    def temp_files(self) -> list[Path]:
        return sorted((self.process.data_dir / "packages" / "tmp").glob("*"))

    def rejections(self, code: str) -> list[tuple[Any, ...]]:
        return self.query(
            "SELECT operation, systemid, reason FROM hub_rejectedrequest WHERE code = ?"
            " ORDER BY id",
            (code,),
        )


@pytest.fixture(scope="session")
def start_hub(tmp_path_factory) -> Iterator[Any]:
    """Start hubs for the session; every one is stopped (and its database dropped) at the end."""
    started: list[Hub] = []
    base_url = os.environ.get("DATABASE_URL", "")

    def start(name: str = "hub", **kwargs: Any) -> Hub:
        database = PostgresDatabase(base_url).create() if is_postgres_url(base_url) else None
        data_dir = tmp_path_factory.mktemp(name)
        kwargs.setdefault("directory", DIRECTORY)
        process = HubProcess(data_dir, database_url=database.url if database else "", **kwargs)
        hub = Hub(process, database)
        started.append(hub)
        process.start()
        return hub

    yield start
    for hub in started:
        hub.process.stop()
        if hub.database is not None:
            hub.database.drop()


@pytest.fixture(scope="session")
def hub(start_hub) -> Hub:
    """The hub shared by the API, bad-input and operator tests (1 MB package limit)."""
    return start_hub("hub", env={"VANTHU_HUB_MAX_PACKAGE_MB": "1"})


def unique_edoc(
    to: list[str] | None = None, sender: str = H41, *, padding: int = 0, **overrides: Any
) -> bytes:
    """A distinct package each call (the hub is idempotent on identical bytes)."""
    marker = uuid.uuid4().hex[:8]
    edoc = make_edoc(
        from_=Organization(organ_id=sender, name="Cơ quan gửi"),
        to=[Organization(organ_id=c, name="Cơ quan nhận") for c in (to or [SO_TTTT_QN])],
        subject=f"V/v kiểm thử trục liên thông {marker}" + (" x" * padding),
        document_id=f"{sender},2026/03/09,{marker}/UBND-VX",
        **overrides,
    )
    return build_edoc(edoc)


def status_for(target: str, reporter: str = SO_TTTT_QN, code: str = "03") -> bytes:
    status = make_status(
        from_=Organization(organ_id=reporter, name="Cơ quan báo"),
        status_code=code,
        description=f"Đã tiếp nhận {uuid.uuid4().hex[:8]}",
    )
    status.response_for.organ_id = target
    return build_status(status)


def multipart(data: bytes, field: str = "file_doc", boundary: str = "hubtestboundary") -> bytes:
    return b"".join(
        (
            f"--{boundary}\r\n".encode(),
            f'Content-Disposition: form-data; name="{field}"; filename="a.edxml"\r\n'.encode(),
            b"Content-Type: application/octet-stream\r\n\r\n",
            data,
            f"\r\n--{boundary}--\r\n".encode(),
        )
    )


MULTIPART_TYPE = "multipart/form-data; boundary=hubtestboundary"


def raw_call(
    hub: Hub,
    op: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    content_type: str = "application/json",
    method: str = "POST",
) -> tuple[int, dict[str, Any]]:
    """One HTTP request exactly as given (for tampered, replayed or malformed requests)."""
    import http.client
    import json

    conn = http.client.HTTPConnection("127.0.0.1", hub.process.port, timeout=30)
    try:
        sent = {"Content-Type": content_type, "Content-Length": str(len(body))}
        sent.update(headers or {})
        conn.request(method, f"/{op}", body=body, headers=sent)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def signed(systemid: str, fields: dict[str, str], **kwargs: Any) -> dict[str, str]:
    from vanthu.vxp import sign_request

    return sign_request(systemid, SECRETS[systemid], fields, **kwargs)
