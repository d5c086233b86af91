#!/usr/bin/env bash
# socat for tests and demos: it makes connected pseudo-terminal pairs that stand in for a serial line
#   socat -d -d pty,raw,echo=0,link=/tmp/radarA pty,raw,echo=0,link=/tmp/radarB
#   socat.sh install   installs the package when `socat` is missing (idempotent).
set -euo pipefail

usage() { echo "usage: $0 install" >&2; exit 2; }

install_socat() {
  "$(dirname "$0")/apt-install.sh" socat socat
}

case "${1:-}" in
  install) install_socat ;;
  *) usage ;;
esac
