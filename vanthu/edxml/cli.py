"""Command line: ``vanthu edxml parse|validate|verify FILE`` (also ``python -m vanthu.edxml``).

Exit codes: 0 success (no errors), 1 validation errors or a signature that does not verify,
2 unreadable input or bad usage. Reasons go to stderr on one line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .constants import DEFAULT_MAX_SIZE
from .errors import EdxmlError
from .jsonview import to_json_dict
from .parse import parse, read_limited
from .signature import verify
from .validate import validate

LEVEL_LABELS = {"error": "LỖI", "warning": "CẢNH BÁO"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse exits with 2 on bad usage too; keep it, but as a return value.
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="vanthu edxml", description="Gói tin edXML (QCVN 102:2016)")
    parser.add_argument(
        "--max-size", type=int, default=DEFAULT_MAX_SIZE, help="largest input in bytes"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    parse_cmd = commands.add_parser("parse", help="print the package as one JSON object")
    parse_cmd.add_argument("file")
    validate_cmd = commands.add_parser("validate", help="print conformance findings")
    validate_cmd.add_argument("file")
    verify_cmd = commands.add_parser("verify", help="check the XML signature")
    verify_cmd.add_argument("file")
    verify_cmd.add_argument("--ca", action="append", required=True, help="CA certificate (PEM)")
    verify_cmd.add_argument("--allow-sha1", action="store_true", help="accept SDK RSA-SHA1")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except _UsageError as exc:
        sys.stderr.write(f"vanthu edxml: {exc}\n")
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    try:
        data = read_limited(args.file, args.max_size)
        if args.command == "parse":
            return _parse(data, args.max_size)
        if args.command == "validate":
            return _validate(data, args.max_size)
        return _verify(data, args)
    except EdxmlError as exc:
        sys.stderr.write(f"{args.file}: {exc.reason}\n")
        return 2


def _parse(data: bytes, max_size: int) -> int:
    message = to_json_dict(parse(data, max_size=max_size))
    sys.stdout.write(json.dumps(message, ensure_ascii=False, indent=2) + "\n")
    return 0


def _validate(data: bytes, max_size: int) -> int:
    findings = validate(data, max_size=max_size)
    for finding in findings:
        # The English level word comes first so scripts can filter on it.
        label = LEVEL_LABELS[finding.level]
        sys.stdout.write(f"{finding.level} {label} {finding.path}: {finding.message}\n")
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    sys.stderr.write(f"{errors} lỗi, {warnings} cảnh báo\n")
    return 1 if errors else 0


def _verify(data: bytes, args: argparse.Namespace) -> int:
    try:
        ca_pem = [read_limited(name, 1024 * 1024) for name in args.ca]
    except EdxmlError as exc:
        raise EdxmlError(f"CA certificate: {exc.reason}") from None
    report = verify(data, ca_pem=ca_pem, allow_sha1=args.allow_sha1, max_size=args.max_size)
    line = report.status + (f": {report.reason}" if report.reason else "")
    if report.signer_subject:
        line += f" (signer {report.signer_subject})"
    sys.stdout.write(line + "\n")
    return 0 if report.is_valid else 1
