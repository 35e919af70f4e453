"""Payloads in S3-compatible object storage: S3Storage against a real moto server on
127.0.0.1, and a real hub server storing its packages there (VANTHU_HUB_STORAGE=s3)."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vanthu.hub.process import HubProcess, free_port
from vanthu.hub.s3 import S3Storage
from vanthu.hub.storage import PayloadTooLarge, key_for
from vanthu.vxp import VxpError

from .conftest import H41, SO_NV, SO_TTTT_QN, Hub, unique_edoc

ACCESS, SECRET = "vanthu-test", "vanthu-test-secret"


def _moto_binary() -> str:
    found = Path(sys.executable).with_name("moto_server")
    path = str(found) if found.exists() else shutil.which("moto_server")
    if path is None:
        # In CI a missing S3 server is a broken environment, not a reason to skip.
        if os.environ.get("CI") == "true":
            pytest.fail("moto_server is required in CI (moto[server] is a dev dependency)")
        pytest.skip("moto_server not installed (uv sync --group dev)")
    return path


class MotoServer:
    """``moto_server`` on 127.0.0.1 as a child process, stopped by its PID."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log = open(log_dir / f"moto-{self.port}.log", "wb")  # noqa: SIM115 - closed in stop()
        self._log = log
        self.proc = subprocess.Popen(
            [_moto_binary(), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self.proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("moto_server not listening after 30 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=ACCESS,
            aws_secret_access_key=SECRET,
            config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
        )

    def new_bucket(self, *, versioned: bool = False) -> str:
        name = f"vanthu-{uuid.uuid4().hex[:12]}"
        client = self.client()
        client.create_bucket(Bucket=name)
        if versioned:
            client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        return name

    def keys(self, bucket: str) -> list[str]:
        answer = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in answer.get("Contents", []))

    def storage(self, bucket: str, temp_root: Path, **kwargs: Any) -> S3Storage:
        return S3Storage(
            bucket=bucket,
            temp_root=temp_root,
            endpoint_url=self.url,
            access_key=ACCESS,
            secret_key=SECRET,
            **kwargs,
        )

    def hub_env(self, bucket: str) -> dict[str, str]:
        return {
            "VANTHU_HUB_STORAGE": "s3",
            "VANTHU_HUB_S3_ENDPOINT_URL": self.url,
            "VANTHU_HUB_S3_BUCKET": bucket,
            "VANTHU_HUB_S3_ACCESS_KEY": ACCESS,
            "VANTHU_HUB_S3_SECRET_KEY": SECRET,
        }


@pytest.fixture(scope="module")
def moto(tmp_path_factory) -> Iterator[MotoServer]:
    server = MotoServer(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


# --- S3Storage on its own -------------------------------------------------------------------


def test_save_read_exists_under_the_content_address(moto, tmp_path):
    bucket = moto.new_bucket()
    storage = moto.storage(bucket, tmp_path, prefix="goi-tin/")
    data = "Gói tin liên thông — thử nghiệm".encode() * 100
    sha256, key = storage.save(data)
    assert sha256 == hashlib.sha256(data).hexdigest()
    assert key == key_for(sha256) == f"{sha256[:2]}/{sha256}.edxml"
    assert moto.keys(bucket) == [f"goi-tin/{key}"]
    assert storage.exists(key)
    assert not storage.exists(key_for("0" * 64))
    assert storage.read(key) == data
    assert list(storage.temp_dir.iterdir()) == []  # the spooled upload is gone


def test_a_large_payload_goes_up_in_parts_and_comes_back_whole(moto, tmp_path):
    bucket = moto.new_bucket()
    storage = moto.storage(bucket, tmp_path)
    data = os.urandom(12 * 1024 * 1024 + 12345)
    writer = storage.writer(len(data))
    for start in range(0, len(data), 256 * 1024):
        writer.write(data[start : start + 256 * 1024])
    writer.finish()
    key = writer.commit()
    head = moto.client().head_object(Bucket=bucket, Key=f"packages/{key}")
    # A multipart upload's ETag is "<md5 of the part md5s>-<number of parts>".
    assert head["ETag"].strip('"').endswith("-2")
    assert head["ContentLength"] == len(data)
    assert storage.read(key) == data
    assert hashlib.sha256(storage.read(key)).hexdigest() == writer.sha256


def test_the_same_bytes_twice_store_one_object_version(moto, tmp_path):
    bucket = moto.new_bucket(versioned=True)
    storage = moto.storage(bucket, tmp_path)
    _sha, key = storage.save(b"<edXML/>")
    assert storage.save(b"<edXML/>")[1] == key
    versions = moto.client().list_object_versions(Bucket=bucket)["Versions"]
    assert [v["Key"] for v in versions] == [f"packages/{key}"]


def test_the_size_cap_and_discard_leave_nothing(moto, tmp_path):
    bucket = moto.new_bucket()
    storage = moto.storage(bucket, tmp_path)
    writer = storage.writer(10)
    with pytest.raises(PayloadTooLarge):
        writer.write(b"x" * 11)
    writer.discard()
    assert list(storage.temp_dir.iterdir()) == []
    assert moto.keys(bucket) == []


def test_an_unreachable_store_raises_and_removes_the_spooled_file(tmp_path):
    # Nothing listens on this port: the upload is refused, never silently dropped.
    storage = S3Storage(
        bucket="vanthu",
        temp_root=tmp_path,
        endpoint_url=f"http://127.0.0.1:{free_port()}",
        access_key=ACCESS,
        secret_key=SECRET,
        connect_timeout=1,
        max_attempts=1,
    )
    with pytest.raises(Exception, match="Could not connect"):
        storage.save(b"<edXML/>")
    assert list(storage.temp_dir.iterdir()) == []


def test_clean_temp_removes_only_old_spooled_files(tmp_path):
    storage = S3Storage(bucket="vanthu", temp_root=tmp_path)
    old, fresh = storage.temp_dir / "a.part", storage.temp_dir / "b.part"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert storage.clean_temp(3600, time.time()) == 1
    assert [p.name for p in storage.temp_dir.iterdir()] == ["b.part"]


# --- a hub server storing in S3 ---------------------------------------------------------------


def _packages(hub: Hub) -> int:
    return hub.count("hub_package")


def test_the_hub_stores_packages_in_the_bucket_and_delivers_them(moto, start_hub):
    bucket = moto.new_bucket(versioned=True)
    hub = start_hub("hub-s3", env=moto.hub_env(bucket), workers=1, threads=2)
    a, b = hub.client("sys.a"), hub.client("sys.b")
    data = unique_edoc()
    sha256 = hashlib.sha256(data).hexdigest()
    doc_id = a.send_edoc(data, from_organ=H41)

    key = f"packages/{sha256[:2]}/{sha256}.edxml"
    assert moto.keys(bucket) == [key]
    stored = moto.client().get_object(Bucket=bucket, Key=key)["Body"].read()
    assert stored == data
    assert hub.payload_files() == []  # nothing on the hub's local disk
    assert hub.temp_files() == []

    delivered = b.get_edoc(doc_id)
    start = delivered.index(b"<edXML:TraceHeader><edXML:OrganId>000.00.00.G22")
    end = delivered.index(b"</edXML:TraceHeader>", start) + len(b"</edXML:TraceHeader>")
    assert delivered[:start] + delivered[end:] == data

    # The sender's retry of the same bytes: same DocId, no second row, no second object
    # (nor a second version of it).
    packages = _packages(hub)
    assert a.send_edoc(data, from_organ=H41) == doc_id
    assert _packages(hub) == packages
    versions = moto.client().list_object_versions(Bucket=bucket)["Versions"]
    assert [v["Key"] for v in versions] == [key]
    assert hub.temp_files() == []


def test_with_the_store_down_send_edoc_fails_retryably_and_indexes_nothing(
    start_hub, tmp_path_factory
):
    # Its own S3 server, so stopping it leaves the other tests' one alone.
    server = MotoServer(tmp_path_factory.mktemp("moto-down"))
    try:
        bucket = server.new_bucket()
        hub = start_hub("hub-s3-down", env=server.hub_env(bucket), workers=1, threads=2)
        a = hub.client("sys.a")
        a.send_edoc(unique_edoc(), from_organ=H41)  # the store works: one package
        assert _packages(hub) == 1
        server.stop()

        data = unique_edoc()
        with pytest.raises(VxpError) as caught:
            a.send_edoc(data, from_organ=H41)
        assert caught.value.code == "20"
        assert caught.value.retryable
        assert "Could not connect to the endpoint URL" in hub.process.log()
        assert _packages(hub) == 1
        sha256 = hashlib.sha256(data).hexdigest()
        assert hub.query("SELECT COUNT(*) FROM hub_package WHERE sha256 = ?", (sha256,)) == [(0,)]
        assert hub.temp_files() == []
    finally:
        server.stop()


def test_s3_without_a_bucket_is_refused_at_start(tmp_path):
    process = HubProcess(tmp_path, env={"VANTHU_HUB_STORAGE": "s3"})
    result = process.cli("migrate", check=False)
    assert result.returncode != 0
    assert "VANTHU_HUB_S3_BUCKET" in result.stderr


# --- federation with the provincial hub's payloads in S3 ----------------------------------------


def test_a_provincial_hub_on_s3_forwards_and_pulls_through_its_bucket(moto, start_hub):
    """What the province forwards upstream is read from its bucket, and what it pulls from the
    national hub is written there before it acknowledges upstream; its local disk holds
    neither."""
    from vanthu.edxml import parse

    from .test_federation import (
        NATIONAL_ORGAN,
        PROVINCE_ORGAN,
        arrival,
        start_federation,
        wait_until,
    )

    bucket = moto.new_bucket()
    national, province, a, b = start_federation(
        start_hub, "-s3", env=moto.hub_env(bucket), workers=1, threads=2
    )

    up = unique_edoc([SO_TTTT_QN])
    a.send_edoc(up, from_organ=H41)
    doc_b = arrival(b, lambda raw: parse(raw).subject == parse(up).subject)
    assert [t.organ_id for t in parse(b.get_edoc(doc_b)).trace] == [
        H41,
        PROVINCE_ORGAN,
        NATIONAL_ORGAN,
    ]
    b.update_status(doc_b, "done")

    down = unique_edoc([SO_NV], sender=SO_TTTT_QN)
    b.send_edoc(down, from_organ=SO_TTTT_QN)
    doc_a = arrival(a, lambda raw: parse(raw).subject == parse(down).subject)
    # The sender's own trace entry, then one per hub it crossed.
    assert [t.organ_id for t in parse(a.get_edoc(doc_a)).trace][-2:] == [
        NATIONAL_ORGAN,
        PROVINCE_ORGAN,
    ]
    # Acknowledged upstream only once stored: the national hub has nothing left for it.
    wait_until(
        lambda: (
            national.query(
                "SELECT COUNT(*) FROM hub_delivery d JOIN hub_system s ON s.id = d.system_id"
                " WHERE s.systemid = 'lgsp.h41' AND d.state <> 'done'"
            )
            == [(0,)]
        ),
        what="the pull acknowledged upstream",
    )
    keys = moto.keys(bucket)
    assert f"packages/{key_for(hashlib.sha256(up).hexdigest())}" in keys
    assert len(keys) == 2  # what A sent, and what the province pulled
    assert province.payload_files() == [] and province.temp_files() == []
    a.update_status(doc_a, "done")
