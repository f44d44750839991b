# Sourced by the other scripts: stops with the exact install command when a system tool is
# missing, and points Debian's emscripten at Debian's acorn.
export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs"

require_tools() {
  local missing=()
  local tool package
  for pair in "$@"; do
    tool=${pair%%:*} package=${pair#*:}
    command -v "$tool" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "clipscope: missing system packages. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

require_file() {
  # require_file PATH PACKAGE
  if [ ! -e "$1" ]; then
    echo "clipscope: $1 is missing. Install it with:" >&2
    echo "  sudo apt-get install -y $2" >&2
    exit 1
  fi
}

ensure_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  fi
}
