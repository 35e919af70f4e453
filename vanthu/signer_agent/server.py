"""The agent's HTTP side: JSON on 127.0.0.1, reachable only from the VanThu pages named at
start-up.

Why each guard exists:

* a browser sends ``Origin`` with every cross-origin request; an origin outside the allowed
  list is refused before any token work (CORS alone only hides the answer, it would not stop
  a foreign page from making the token sign);
* the ``Host`` header must name the loopback address, so a DNS-rebinding page cannot reach the
  agent under its own name;
* preflights answer ``Access-Control-Allow-Private-Network: true``: Chrome asks it before a
  public https page may call a loopback address (Private Network Access).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from vanthu.signer_agent import VERSION
from vanthu.signer_agent.token import AgentError, TokenAccess

log = logging.getLogger("vanthu.signer_agent")

MAX_BODY = 64 * 1024
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
SHA256_HEX = re.compile(r"^[0-9a-fA-F]{64}$")


class AgentServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        *,
        token_access: TokenAccess,
        allowed_origins: list[str] | tuple[str, ...] = (),
    ):
        super().__init__(address, AgentHandler)
        self.tokens = token_access
        self.allowed_origins = {o.rstrip("/") for o in allowed_origins}

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class AgentHandler(BaseHTTPRequestHandler):
    server: AgentServer
    server_version = f"vanthu-signer/{VERSION}"
    protocol_version = "HTTP/1.1"

    # -- plumbing ----------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib name)
        # Never the body: it carries the PIN.
        log.info("%s %s", self.address_string(), format % args)

    def _origin(self) -> str | None:
        return self.headers.get("Origin")

    def _origin_allowed(self) -> bool:
        origin = self._origin()
        return origin is None or origin.rstrip("/") in self.server.allowed_origins

    def _host_allowed(self) -> bool:
        host = (self.headers.get("Host") or "").lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name in LOOPBACK_HOSTS

    def _cors_headers(self) -> None:
        origin = self._origin()
        if origin is not None and self._origin_allowed():
            self.send_header("Access-Control-Allow-Origin", origin)
        self.send_header("Vary", "Origin")

    def _send_json(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self._cors_headers()
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _send_error(self, error: AgentError) -> None:
        self._send_json(error.status, {"error": {"code": error.code, "message": error.message}})

    def _guard(self) -> bool:
        if not self._host_allowed():
            self._send_error(
                AgentError("host_not_allowed", "Chỉ nhận yêu cầu gửi tới 127.0.0.1.", 403)
            )
            return False
        if not self._origin_allowed():
            self._send_error(
                AgentError(
                    "origin_not_allowed",
                    f"Trang web «{self._origin()}» không được phép dùng phần mềm ký số "
                    "vanthu-signer trên máy này.",
                    403,
                )
            )
            return False
        return True

    # -- verbs -------------------------------------------------------------------------------

    def do_OPTIONS(self) -> None:  # noqa: N802 (stdlib naming)
        if not self._host_allowed() or self._origin() is None or not self._origin_allowed():
            self.send_response(403)
            self.send_header("Vary", "Origin")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(204)
        self._cors_headers()
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        self.send_header("Access-Control-Allow-Private-Network", "true")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        if not self._guard():
            return
        path = self.path.split("?", 1)[0]
        try:
            if path == "/status":
                status = self.server.tokens.status()
                self._send_json(
                    200,
                    {
                        "agent": "vanthu-signer",
                        "version": VERSION,
                        "module": self.server.tokens.module,
                        **status,
                    },
                )
            elif path == "/certificates":
                certs = self.server.tokens.certificates()
                self._send_json(200, {"certificates": [c.describe() for c in certs]})
            else:
                self._send_error(AgentError("not_found", "Không có chức năng này.", 404))
        except AgentError as exc:
            self._send_error(exc)

    def do_POST(self) -> None:  # noqa: N802
        if not self._guard():
            return
        if self.path.split("?", 1)[0] != "/sign":
            self._send_error(AgentError("not_found", "Không có chức năng này.", 404))
            return
        try:
            request = self._read_json()
            result = self.server.tokens.sign(**_sign_arguments(request))
        except AgentError as exc:
            self._send_error(exc)
            return
        self._send_json(
            200,
            {
                "signature": base64.b64encode(result.value).decode(),
                "certificate": base64.b64encode(result.certificate).decode(),
                "chain": [base64.b64encode(c).decode() for c in result.chain],
                "signature_algorithm": result.algorithm,
            },
        )

    def _read_json(self) -> dict[str, Any]:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length <= 0 or length > MAX_BODY:
            raise AgentError(
                "bad_request", "Yêu cầu ký không hợp lệ (thiếu nội dung hoặc quá lớn)."
            )
        try:
            data = json.loads(self.rfile.read(length))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise AgentError("bad_request", "Yêu cầu ký không phải JSON hợp lệ.") from exc
        if not isinstance(data, dict):
            raise AgentError("bad_request", "Yêu cầu ký phải là một đối tượng JSON.")
        return data


def _sign_arguments(data: dict[str, Any]) -> dict[str, Any]:
    problems = []
    digest = b""
    try:
        digest = base64.b64decode(str(data.get("digest", "")), validate=True)
    except (binascii.Error, ValueError):
        problems.append("giá trị băm (digest) không phải base64")
    if not digest:
        problems.append("thiếu giá trị băm (digest)")
    fingerprint = data.get("certificate_sha256")
    if not isinstance(fingerprint, str) or not SHA256_HEX.match(fingerprint):
        problems.append("dấu vân tay chứng thư (certificate_sha256) phải là 64 ký tự hex")
    pin = data.get("pin")
    if not isinstance(pin, str) or not pin or len(pin) > 64:
        problems.append("hãy nhập mã PIN của USB token")
    algorithm = data.get("hash_algorithm", "sha256")
    if not isinstance(algorithm, str):
        problems.append("thuật toán băm không hợp lệ")
    if problems:
        raise AgentError("bad_request", "Yêu cầu ký không hợp lệ: " + "; ".join(problems) + ".")
    return {
        "digest": digest,
        "hash_algorithm": algorithm.lower(),
        "certificate_sha256": fingerprint,
        "pin": pin,
    }
