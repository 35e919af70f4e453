#!/usr/bin/env bash
# VanThu developer entry point.
#   ./run.sh demo   install what is missing, seed the demo province, serve http://127.0.0.1:8000
#   ./run.sh test   install what is missing (system tools too, when root), lint, run the suite
# Both steps are idempotent: a second run only checks and starts.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh

cmd="${1:-}"
shift || true
case "$cmd" in
  demo)
    install_system_packages runtime
    install_python_env
    exec .venv/bin/vanthu demo "$@"
    ;;
  test)
    install_system_packages test
    install_python_env
    exec bash scripts/test.sh "$@"
    ;;
  *)
    echo "Cách dùng: ./run.sh demo | ./run.sh test" >&2
    exit 2
    ;;
esac
