"""A client of the VXP axis API (STANDARDS 2.4) for the connector, the hub's federation
loop, tests and other vendors' systems.

One persistent HTTP/1.1 connection per client; a lock makes a client safe to share, and a
client per thread gives throughput. Failures split in two: `VxpError` when the axis answered
FAIL (the request itself is wrong, except a system error), `VxpUnavailable` when it could not
answer (retry later with the same bytes; the hub's sendEdoc is idempotent on them).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import threading
import uuid
from typing import Any
from urllib.parse import urlsplit

from vanthu.vxp.auth import sign_request
from vanthu.vxp.codes import RETRYABLE, ErrorCode

_RAW = "application/octet-stream"


class VxpError(Exception):
    def __init__(self, code: str, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description

    @property
    def retryable(self) -> bool:
        return self.code in RETRYABLE


class VxpUnavailable(Exception):
    """The axis could not be reached or did not answer properly."""


class VxpClient:
    def __init__(self, endpoint: str, systemid: str, secret: str, *, timeout: float = 30.0):
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {endpoint!r}")
        self.endpoint = endpoint.rstrip("/")
        self.systemid = systemid
        self._secret = secret
        self._timeout = timeout
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._base = parts.path.rstrip("/")
        self._conn: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()

    # --- operations ---------------------------------------------------------------------

    def send_edoc(
        self,
        data: bytes,
        *,
        from_organ: str,
        messagetype: str = "edoc",
        to: list[str] | None = None,
    ) -> str:
        fields = {"from": from_organ, "servicetype": "eDoc", "messagetype": messagetype}
        if to:
            fields["to"] = json.dumps(to)
        fields["hash-file"] = hashlib.sha256(data).hexdigest()
        boundary = uuid.uuid4().hex
        body = b"".join(
            (
                f"--{boundary}\r\n".encode(),
                b'Content-Disposition: form-data; name="file_doc"; filename="edoc.edxml"\r\n',
                b"Content-Type: application/octet-stream\r\n\r\n",
                data,
                f"\r\n--{boundary}--\r\n".encode(),
            )
        )
        answer = self._call(
            "sendEdoc", fields, body, content_type=f"multipart/form-data; boundary={boundary}"
        )
        doc_id = answer.get("DocId")
        if not isinstance(doc_id, str) or not doc_id:
            raise VxpUnavailable("sendEdoc answered OK without a DocId")
        return doc_id

    def received(self, messagetype: str = "edoc") -> list[dict[str, Any]]:
        answer = self._call(
            "getReceivedEdocList", {"servicetype": "eDoc", "messagetype": messagetype}
        )
        return _data_list(answer)

    def get_edoc(self, doc_id: str) -> bytes:
        return _edoc_data(self._call("getEdoc", {"docId": doc_id, "filePath": "xml"}))

    def download_edoc(self, doc_id: str) -> bytes:
        """What get_edoc returns, as the raw body of downloadEdoc (format=raw, an extension
        of the VanThu hub): no Base64 decoding, a third fewer bytes. Other axes answer
        downloadEdoc with getEdoc's JSON, which is decoded as get_edoc does."""
        status, content_type, raw = self._call_raw(
            "downloadEdoc", {"docId": doc_id, "format": "raw"}
        )
        if status == 200 and content_type.split(";", 1)[0].strip().lower() == _RAW:
            return raw
        return _edoc_data(self._answer("downloadEdoc", status, raw))

    def update_status(self, doc_id: str, status: str = "done") -> None:
        self._call("updateStatus", {"docId": doc_id, "status": status})

    def sent(self, doc_id: str | None = None) -> list[dict[str, Any]]:
        fields = {"servicetype": "eDoc", "messagetype": "edoc"}
        if doc_id:
            fields["docId"] = doc_id
        return _data_list(self._call("getSentEdocList", fields))

    def agencies(self) -> list[dict[str, Any]]:
        return _data_list(self._call("getAgenciesList", {}))

    def register_agency(self, agency: dict[str, Any]) -> None:
        body = json.dumps(agency, ensure_ascii=False).encode("utf-8")
        self._call("registerAgency", {}, body, content_type="application/json")

    def close(self) -> None:
        with self._lock:
            self._drop()

    def __enter__(self) -> VxpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transport ----------------------------------------------------------------------

    def _call(
        self,
        op: str,
        fields: dict[str, str],
        body: bytes = b"",
        *,
        content_type: str = "application/json",
    ) -> dict[str, Any]:
        status, _type, raw = self._call_raw(op, fields, body, content_type=content_type)
        return self._answer(op, status, raw)

    def _call_raw(
        self,
        op: str,
        fields: dict[str, str],
        body: bytes = b"",
        *,
        content_type: str = "application/json",
    ) -> tuple[int, str, bytes]:
        """(HTTP status, Content-Type, body) of the answer."""
        extra = {"Content-Type": content_type, "Content-Length": str(len(body))}
        with self._lock:
            return self._post(f"{self._base}/{op}", body, fields, extra)

    def _answer(self, op: str, status: int, raw: bytes) -> dict[str, Any]:
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or "status" not in answer:
            raise VxpUnavailable(f"{op}: HTTP {status} without a VXP answer")
        if answer.get("status") != "OK":
            code = str(answer.get("ErrorCode") or ErrorCode.SYSTEM_ERROR.value)
            raise VxpError(code, str(answer.get("ErrorDesc") or ""))
        return answer

    def _post(
        self, path: str, body: bytes, fields: dict[str, str], extra: dict[str, str]
    ) -> tuple[int, str, bytes]:
        # A kept-alive connection the server has closed fails on first use; one fresh retry
        # covers that without hiding a real outage (the second failure is reported).
        for attempt in (1, 2):
            # Signed per attempt, with a nonce: the hub refuses a signature it has seen (replay
            # protection), and two identical calls in one millisecond must not look like one.
            headers = sign_request(
                self.systemid, self._secret, {**fields, "nonce": uuid.uuid4().hex}
            )
            headers.update(extra)
            # Non-ASCII header values (a `to` list might carry anything) go as UTF-8 bytes,
            # which http.client would refuse as latin-1 text.
            encoded = {k: v.encode("utf-8").decode("latin-1") for k, v in headers.items()}
            conn = self._connection()
            try:
                conn.request("POST", path, body=body, headers=encoded)
                response = conn.getresponse()
                raw = response.read()
                if response.will_close:
                    self._drop()
                return response.status, response.getheader("Content-Type") or "", raw
            except (OSError, http.client.HTTPException) as exc:
                self._drop()
                if attempt == 2 or not isinstance(
                    exc, http.client.RemoteDisconnected | ConnectionResetError | BrokenPipeError
                ):
                    raise VxpUnavailable(f"{path}: {exc.__class__.__name__}: {exc}") from exc
        raise AssertionError("unreachable")

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            self._conn = cls(self._host, self._port, timeout=self._timeout)
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _edoc_data(answer: dict[str, Any]) -> bytes:
    data = answer.get("data")
    if not isinstance(data, str):
        raise VxpUnavailable("getEdoc answered OK without data")
    return base64.b64decode(data, validate=True)


def _data_list(answer: dict[str, Any]) -> list[dict[str, Any]]:
    data = answer.get("data") or []
    if not isinstance(data, list):
        raise VxpUnavailable("answer data is not a list")
    return [item for item in data if isinstance(item, dict)]
