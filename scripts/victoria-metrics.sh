#!/usr/bin/env bash
# VictoriaMetrics for tests: a second, independent implementation of the InfluxDB 2.x write API
# (POST /api/v2/write), from the distribution's own package.
#   victoria-metrics.sh install   installs the package when `victoria-metrics` is missing (idempotent).
# The package's system service is never started here: tests run their own process on a loopback port.
set -euo pipefail

usage() { echo "usage: $0 install" >&2; exit 2; }

install_vm() {
  "$(dirname "$0")/apt-install.sh" victoria-metrics victoria-metrics
}

case "${1:-}" in
  install) install_vm ;;
  *) usage ;;
esac
