#!/usr/bin/env bash
# Installs what the main job (./run.sh) needs, idempotently, on Debian/Ubuntu (as root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

"$here/ensure-dotnet.sh"
"$here/influxdb.sh" install
"$here/apt-install.sh" curl curl
