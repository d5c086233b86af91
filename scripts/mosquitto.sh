#!/usr/bin/env bash
# Mosquitto (MQTT broker) for tests and demos, from the distribution's own package (Debian 12: mosquitto 2.0.11).
#   mosquitto.sh install   installs mosquitto and mosquitto-clients when `mosquitto` is missing (idempotent).
# The package's system service is never started here: tests run their own `mosquitto -c CONF` on a loopback port
# with a temporary persistence folder (see tests/Ale.Speed.Devices.Tests/Mqtt/MosquittoBroker.cs).
set -euo pipefail

usage() { echo "usage: $0 install" >&2; exit 2; }

find_mosquitto() {
  command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]
}

install_mosquitto() {
  if find_mosquitto; then
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: mosquitto is missing and apt-get is not available; install Mosquitto 2.x by hand." >&2
    exit 1
  fi
  if ! apt-cache show mosquitto >/dev/null 2>&1; then
    apt-get update -q
  fi
  # policy-rc.d refuses service starts during installation (no daemon is wanted, and there may be no init).
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q mosquitto mosquitto-clients || { [ "$created" = 1 ] && rm -f "$policy"; exit 1; }
  [ "$created" = 1 ] && rm -f "$policy"
  find_mosquitto || { echo "error: mosquitto installed but not found on PATH or in /usr/sbin." >&2; exit 1; }
}

case "${1:-}" in
  install) install_mosquitto ;;
  *) usage ;;
esac
