#!/usr/bin/env bash
# Installs what the test suite needs, idempotently, on Debian/Ubuntu (as root, or through sudo).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

"$here/ensure-dotnet.sh"
"$here/influxdb.sh" install
"$here/victoria-metrics.sh" install
"$here/mosquitto.sh" install
"$here/socat.sh" install
"$here/chromium.sh" install
