#!/usr/bin/env bash
# InfluxDB 1.x for tests and demos, from the distribution's own package (Debian 12: influxdb 1.6.7).
#   influxdb.sh install   installs the package when `influxd` is missing (idempotent).
# The package's system service is never started here: tests run their own influxd on a loopback
# port with a temporary data folder (see tests/Ale.Speed.Influx.Tests/Support/InfluxDbServer.cs).
set -euo pipefail

usage() { echo "usage: $0 install" >&2; exit 2; }

install_influxdb() {
  if command -v influxd >/dev/null 2>&1; then
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: influxd is missing and apt-get is not available; install InfluxDB 1.x by hand." >&2
    exit 1
  fi
  if ! apt-cache show influxdb >/dev/null 2>&1; then
    apt-get update -q
  fi
  # policy-rc.d refuses service starts during installation (no daemon is wanted, and there may be no init).
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q influxdb || { [ "$created" = 1 ] && rm -f "$policy"; exit 1; }
  [ "$created" = 1 ] && rm -f "$policy"
  command -v influxd >/dev/null 2>&1 || { echo "error: influxdb installed but influxd is not on PATH." >&2; exit 1; }
}

case "${1:-}" in
  install) install_influxdb ;;
  *) usage ;;
esac
