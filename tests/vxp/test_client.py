"""The VXP client's error handling against real HTTP servers on loopback."""

import hashlib
import json
import socket
from http.server import BaseHTTPRequestHandler

import pytest

from vanthu.loopback import LoopbackServer
from vanthu.vxp import VxpClient, VxpError, VxpUnavailable, verify_request


class _Axis(LoopbackServer):
    """Answers each operation with a canned reply and records what it received."""

    def __init__(self, replies):
        self.replies = replies
        self.requests = []
        axis = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                axis.requests.append((self.path, dict(self.headers), body))
                status, payload = axis.replies[self.path.rsplit("/", 1)[-1]]
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                raw = isinstance(payload, bytes)
                self.send_header(
                    "Content-Type", raw and "application/octet-stream" or "application/json"
                )
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self._listen(Handler, 0, "fake-axis")


def test_send_edoc_posts_the_file_with_its_hash_and_returns_the_doc_id():
    ok = {"status": "OK", "ErrorCode": "0", "ErrorDesc": "", "DocId": "d-1"}
    with _Axis({"sendEdoc": (200, ok)}) as axis:
        client = VxpClient(f"http://127.0.0.1:{axis.port}/vxp", "sys.a", "s3cret")
        assert client.send_edoc(b"<edXML/>", from_organ="000.00.00.H41") == "d-1"
        assert client.send_edoc(b"<edXML/>", from_organ="000.00.00.H41") == "d-1"
        client.close()
    path, headers, body = axis.requests[0]
    assert path == "/vxp/sendEdoc"
    assert b'name="file_doc"' in body and b"<edXML/>" in body
    verified = verify_request(headers, {"sys.a": "s3cret"}.get)
    assert verified.fields["from"] == "000.00.00.H41"
    assert verified.fields["hash-file"] == hashlib.sha256(b"<edXML/>").hexdigest()


def test_fail_answers_raise_vxp_error_with_the_code():
    fail = {"status": "FAIL", "ErrorCode": "18", "ErrorDesc": "Không có cơ quan nhận"}
    busy = {"status": "FAIL", "ErrorCode": "20", "ErrorDesc": "lỗi hệ thống"}
    with _Axis({"sendEdoc": (404, fail), "getEdoc": (500, busy)}) as axis:
        client = VxpClient(f"http://127.0.0.1:{axis.port}", "sys.a", "s")
        with pytest.raises(VxpError) as caught:
            client.send_edoc(b"x", from_organ="o")
        assert caught.value.code == "18" and not caught.value.retryable
        with pytest.raises(VxpError) as caught:
            client.get_edoc("d")
        assert caught.value.retryable


def test_non_json_answers_and_closed_ports_are_unavailable():
    with _Axis({"getEdoc": (502, b"<html>Bad gateway</html>")}) as axis:
        client = VxpClient(f"http://127.0.0.1:{axis.port}", "sys.a", "s")
        with pytest.raises(VxpUnavailable):
            client.get_edoc("d")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    client = VxpClient(f"http://127.0.0.1:{free}", "sys.a", "s", timeout=2)
    with pytest.raises(VxpUnavailable):
        client.received()


def test_lists_and_base64_payloads_are_decoded():
    import base64

    replies = {
        "getReceivedEdocList": (200, {"status": "OK", "data": [{"docId": "1"}, "junk"]}),
        "getEdoc": (200, {"status": "OK", "data": base64.b64encode(b"<edXML/>").decode()}),
    }
    with _Axis(replies) as axis:
        client = VxpClient(f"http://127.0.0.1:{axis.port}", "sys.a", "s")
        assert client.received() == [{"docId": "1"}]
        assert client.get_edoc("1") == b"<edXML/>"


def test_endpoint_must_be_http():
    with pytest.raises(ValueError):
        VxpClient("ftp://example", "a", "b")


def test_each_call_is_signed_afresh_so_the_hub_never_sees_a_replay():
    ok = {"status": "OK", "ErrorCode": "0", "ErrorDesc": "", "data": []}
    with _Axis({"getReceivedEdocList": (200, ok)}) as axis:
        client = VxpClient(f"http://127.0.0.1:{axis.port}", "sys.a", "s")
        client.received()
        client.received()
    signatures = {headers["XroadVnpt-hash-header"] for _, headers, _ in axis.requests}
    assert len(signatures) == 2
    for _, headers, _ in axis.requests:
        assert len(verify_request(headers, {"sys.a": "s"}.get).fields["nonce"]) == 32


def test_download_edoc_takes_raw_bytes_or_falls_back_to_json():
    import base64

    encoded = base64.b64encode(b"<edXML/>").decode()
    with _Axis({"downloadEdoc": (200, {"status": "OK", "data": encoded})}) as axis:
        client = VxpClient(f"http://127.0.0.1:{axis.port}", "sys.a", "s")
        assert client.download_edoc("1") == b"<edXML/>"
    assert verify_request(axis.requests[0][1], {"sys.a": "s"}.get).fields["format"] == "raw"
    with _Axis({"downloadEdoc": (200, b"<edXML>raw</edXML>")}) as axis:
        client = VxpClient(f"http://127.0.0.1:{axis.port}", "sys.a", "s")
        assert client.download_edoc("1") == b"<edXML>raw</edXML>"
