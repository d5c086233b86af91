#!/usr/bin/env bash
# VictoriaMetrics for tests: a second, independent implementation of the InfluxDB 2.x write API
# (POST /api/v2/write), from the distribution's own package.
#   victoria-metrics.sh install   installs the package when `victoria-metrics` is missing (idempotent).
# The package's system service is never started here: tests run their own process on a loopback port.
set -euo pipefail

usage() { echo "usage: $0 install" >&2; exit 2; }

install_vm() {
  if command -v victoria-metrics >/dev/null 2>&1; then
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: victoria-metrics is missing and apt-get is not available; install it by hand." >&2
    exit 1
  fi
  if ! apt-cache show victoria-metrics >/dev/null 2>&1; then
    apt-get update -q
  fi
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q victoria-metrics || { [ "$created" = 1 ] && rm -f "$policy"; exit 1; }
  [ "$created" = 1 ] && rm -f "$policy"
  command -v victoria-metrics >/dev/null 2>&1 || { echo "error: victoria-metrics installed but not on PATH." >&2; exit 1; }
}

case "${1:-}" in
  install) install_vm ;;
  *) usage ;;
esac
