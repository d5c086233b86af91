#!/usr/bin/env bash
# socat for tests and demos: it makes connected pseudo-terminal pairs that stand in for a serial line
#   socat -d -d pty,raw,echo=0,link=/tmp/radarA pty,raw,echo=0,link=/tmp/radarB
#   socat.sh install   installs the package when `socat` is missing (idempotent).
set -euo pipefail

usage() { echo "usage: $0 install" >&2; exit 2; }

install_socat() {
  if command -v socat >/dev/null 2>&1; then
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: socat is missing and apt-get is not available; install socat by hand." >&2
    exit 1
  fi
  if ! apt-cache show socat >/dev/null 2>&1; then
    apt-get update -q
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q socat
  command -v socat >/dev/null 2>&1 || { echo "error: socat installed but not on PATH." >&2; exit 1; }
}

case "${1:-}" in
  install) install_socat ;;
  *) usage ;;
esac
