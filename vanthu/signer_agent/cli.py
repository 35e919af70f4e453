"""``vanthu-signer``: start the signing agent on the signer's computer.

Example::

    vanthu-signer --allow-origin https://vanthu.nghean.gov.vn \\
        --module /usr/lib/x86_64-linux-gnu/viettel-ca/libv2xpkcs11.so
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
from collections.abc import Sequence

from vanthu.signer_agent import DEFAULT_MODULE, DEFAULT_PORT, VERSION
from vanthu.signer_agent.server import AgentServer
from vanthu.signer_agent.token import TokenAccess

log = logging.getLogger("vanthu.signer_agent")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vanthu-signer",
        description="Phần mềm ký số VanThu bằng USB token trên máy người ký.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (chỉ loopback)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="cổng (mặc định 8765)")
    parser.add_argument(
        "--module", default=DEFAULT_MODULE, help="thư viện PKCS#11 của USB token (.so/.dll)"
    )
    parser.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="địa chỉ trang VanThu được phép dùng phần mềm (lặp lại được), "
        "ví dụ https://vanthu.example.gov.vn",
    )
    parser.add_argument("--version", action="version", version=f"vanthu-signer {VERSION}")
    return parser


def make_server(host: str, port: int, module: str, allowed_origins: Sequence[str]) -> AgentServer:
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        # The token signs for whoever reaches the port: never listen on the network.
        raise SystemExit("vanthu-signer chỉ được lắng nghe trên địa chỉ loopback (127.0.0.1).")
    return AgentServer(
        (host, port), token_access=TokenAccess(module), allowed_origins=list(allowed_origins)
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        server = make_server(args.host, args.port, args.module, args.allow_origin)
    except OSError as exc:
        log.error("Không mở được cổng %s:%s: %s", args.host, args.port, exc)
        return 1
    if not args.allow_origin:
        log.warning("Chưa có --allow-origin: không trang web nào dùng được phần mềm ký số.")
    log.info(
        "vanthu-signer %s đang chạy tại %s (thư viện %s); trang được phép: %s",
        VERSION,
        server.url,
        args.module,
        ", ".join(args.allow_origin) or "(không có)",
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
