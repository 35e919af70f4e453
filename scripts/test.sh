#!/usr/bin/env bash
# Lint, type-check, schema checks, then the whole suite on SQLite and (when PostgreSQL is
# reachable, always in CI) again on PostgreSQL. In CI a missing tool fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=vanthu.settings
PY=.venv/bin/python
mkdir -p test-artifacts

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

step "ruff format --check / ruff check"
lint_paths=(vanthu tests)
[ -d benchmarks ] && lint_paths+=(benchmarks)
.venv/bin/ruff format --check --quiet "${lint_paths[@]}"
.venv/bin/ruff check --quiet "${lint_paths[@]}"
step "mypy (pure libraries)"
.venv/bin/mypy --no-error-summary
step "migrations up to date"
VANTHU_VAR_DIR=$(mktemp -d) $PY -m django makemigrations --check --dry-run >/dev/null
if [ -f vanthu/api/management/commands/export_openapi.py ]; then
  step "OpenAPI document up to date"
  VANTHU_VAR_DIR=$(mktemp -d) $PY -m django export_openapi --check
fi

if [ "${CI:-}" = true ]; then
  for tool in chromium pdftotext pdfsig pdftoppm soffice softhsm2-util pkcs11-tool; do
    command -v "$tool" >/dev/null || { echo "CI: thiếu công cụ $tool" >&2; exit 1; }
  done
fi

workers=${VANTHU_TEST_WORKERS:-2}
step "pytest on SQLite"
# A file database (one per xdist worker) rather than :memory:, so that the threaded
# numbering tests can run on SQLite too.
sqlite_dir=$(mktemp -d)
trap 'rm -rf "$sqlite_dir"' EXIT
VANTHU_SQLITE_TEST_PATH="$sqlite_dir/test.sqlite3" $PY -m pytest -n "$workers" --dist loadgroup -p no:cacheprovider "$@"

pg_url=${VANTHU_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/vanthu_ci}
if $PY - "$pg_url" <<'PYCHECK' 2>/dev/null; then
import sys, psycopg
psycopg.connect(sys.argv[1].rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
PYCHECK
  step "pytest on PostgreSQL"
  DATABASE_URL="$pg_url" $PY -m pytest -n "$workers" --dist loadgroup -p no:cacheprovider "$@"
elif [ "${CI:-}" = true ]; then
  echo "CI: PostgreSQL is not reachable at $pg_url" >&2
  exit 1
else
  step "PostgreSQL not reachable at $pg_url: suite ran on SQLite only"
fi
