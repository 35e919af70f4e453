# Sourced by run.sh: installs the Python environment and, when running as root, the Debian
# packages VanThu uses. Nothing here downloads a toolchain or a browser build of its own.

RUNTIME_DEBS=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core libreoffice-writer-nogui poppler-utils)
TEST_DEBS=("${RUNTIME_DEBS[@]}" chromium softhsm2 opensc)

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

missing_debs() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || printf '%s ' "$pkg"
  done
}

install_system_packages() {
  local wanted
  if [ "$1" = test ]; then wanted=("${TEST_DEBS[@]}"); else wanted=("${RUNTIME_DEBS[@]}"); fi
  command -v dpkg-query >/dev/null || { log "Không phải Debian/Ubuntu: tự cài ${wanted[*]}"; return 0; }
  local missing
  missing=$(missing_debs "${wanted[@]}")
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "Thiếu gói hệ thống: $missing — hãy cài bằng: sudo apt-get install -y $missing"
    [ "${CI:-}" = true ] && return 1
    return 0
  fi
  log "Cài gói hệ thống: $missing"
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

find_python() {
  local candidate
  for candidate in "${VANTHU_PYTHON:-}" python3.12 python3.13 "$HOME"/.pyenv/versions/3.12.*/bin/python "$HOME"/.pyenv/versions/3.13.*/bin/python /usr/bin/python3.12; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(not (3, 12) <= sys.version_info[:2] < (3, 14))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

install_python_env() {
  local py
  py=$(find_python) || {
    echo "VanThu cần Python 3.12 hoặc 3.13 (Django 6). Đặt VANTHU_PYTHON=/đường/dẫn/python3.12." >&2
    return 1
  }
  if [ ! -x .tools/bin/uv ]; then
    log "Cài uv (trình quản lý gói) vào .tools/"
    "$py" -m venv .tools
    .tools/bin/pip install -q --disable-pip-version-check uv
  fi
  log "Đồng bộ môi trường Python (.venv) theo uv.lock"
  UV_PYTHON_DOWNLOADS=never .tools/bin/uv sync --frozen --quiet --python "$py"
}
