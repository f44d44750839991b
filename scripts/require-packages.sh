# Sourced by the other scripts: installs the Debian packages a command needs when they are
# missing (as root directly, otherwise through sudo with apt's own prompt), and points
# Debian's emscripten at Debian's acorn. CLIPSCOPE_NO_INSTALL=1, a machine without apt, or a
# user without sudo only gets the install command printed.
export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs"

clipscope_root="${BASH_SOURCE[0]%/*}/.."

# packages_for PURPOSE: the packages of scripts/system-packages.txt needed by PURPOSE
# (build, demo, test or all), one per line.
packages_for() {
  local purpose=$1 package uses
  while read -r package uses; do
    case "$package" in '' | '#'*) continue ;; esac
    if [ "$purpose" = all ] || [[ " $uses " == *" $purpose "* ]]; then echo "$package"; fi
  done <"$clipscope_root/scripts/system-packages.txt"
}

# missing_packages PACKAGE...: those dpkg does not report as installed.
missing_packages() {
  local package
  for package in "$@"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null)" != installed ]; then
      echo "$package"
    fi
  done
}

# require_packages PURPOSE WHY: installs what PURPOSE needs, or stops with the command to run.
require_packages() {
  local purpose=$1 why=$2
  local missing
  mapfile -t missing < <(missing_packages $(packages_for "$purpose"))
  [ ${#missing[@]} -eq 0 ] && return 0
  local can_install=1
  if [ "${CLIPSCOPE_NO_INSTALL:-}" = 1 ] || ! command -v apt-get >/dev/null 2>&1; then can_install=0; fi
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then can_install=0; fi
  if [ "$can_install" = 0 ]; then
    echo "clipscope: missing system packages. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "clipscope: installing ${missing[*]} (Debian packages needed $why)" >&2
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    sudo apt-get update -qq
    sudo apt-get install "${missing[@]}"
  fi
}

ensure_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  fi
}
