#!/usr/bin/env bash
# Mosquitto (MQTT broker) for tests and demos, from the distribution's own package (Debian 12: mosquitto 2.0.11).
#   mosquitto.sh install   installs mosquitto and mosquitto-clients when `mosquitto` is missing (idempotent).
# The package's system service is never started here: tests run their own `mosquitto -c CONF` on a loopback port
# with a temporary persistence folder (see tests/Ale.Speed.Devices.Tests/Mqtt/MosquittoBroker.cs).
set -euo pipefail

usage() { echo "usage: $0 install" >&2; exit 2; }

install_mosquitto() {
  "$(dirname "$0")/apt-install.sh" mosquitto mosquitto mosquitto-clients
}

case "${1:-}" in
  install) install_mosquitto ;;
  *) usage ;;
esac
