"""Load N documents (unless the database already holds them), then measure the pages.

    .venv/bin/python benchmarks/run.py --documents 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vanthu_bench \\
        .venv/bin/python benchmarks/run.py --documents 1000000 --explain
"""

from __future__ import annotations

import argparse
import sys

import load_documents
import measure_pages
from common import setup_django


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=100)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.requests < 50:
        parser.error("at least 50 requests per page")
    setup_django()
    print(f"Loading {args.documents} documents across {args.agencies} agencies")
    load_documents.load(args.documents, args.agencies)
    print()
    measure_pages.run(args.requests, show_explain=args.explain, json_path=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
