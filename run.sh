#!/usr/bin/env bash
# The main job on a fresh Debian/Ubuntu machine: a local InfluxDB, a week of simulated traffic from four radar units in
# Ale, the real edge worker storing it, a fifth sign's read-out imported by hand, then what planners and police look at. Everything lands in .data/ (git-ignored).
# Options after the script name go to nothing; set DAYS=14 for more traffic.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

scripts/install-demo-deps.sh
dotnet build Ale.Speed.sln -c Release -nologo -v quiet

config=scripts/demo/ale-speed.demo.json
ale() { dotnet src/Ale.Speed.Worker/bin/Release/net10.0/ale-speed.dll "$@"; }
days=${DAYS:-7}

# A local InfluxDB 1.x on a loopback port, data in .data/influxdb; the demo starts from an empty database each time.
scripts/influxdb.sh start .data/influxdb 18086
influx_query() { curl -sf -XPOST "http://127.0.0.1:18086/query" --data-urlencode "q=$1" >/dev/null; }
influx_query 'DROP DATABASE "ale_speed_demo"'
influx_query 'CREATE DATABASE "ale_speed_demo"'
rm -rf .data/demo

echo "== Simulating ${days} days of traffic at five sites (four units sending live, one sign read out by hand)"
ale simulate --config "$config" --days "$days"

echo "== Running the worker: frames → vehicles → journal → bins → InfluxDB"
ale run --config "$config" --exit-when-done

echo "== ale-speed import: a sign without a connection (u-0005, ICOMS TMA-3B3 at Surte), read out by hand"
ale import .data/demo/in/u-0005-tma3b3-export.csv --config "$config" --unit u-0005
echo "== The same read-out imported again: nothing is counted twice"
ale import .data/demo/in/u-0005-tma3b3-export.csv --config "$config" --unit u-0005

echo "== ale-speed status"
ale status --config "$config" || true

to=$(date +%Y-%m-%d)
from=$(date -d "${days} days ago" +%Y-%m-%d)
echo "== ale-speed report --from $from --to $to"
ale report --config "$config" --from "$from" --to "$to"

echo "== ale-speed hotspots --kind speeding --top 5 (where an hour of enforcement catches the most serious speeding)"
ale hotspots --config "$config" --from "$from" --to "$to" --kind speeding --top 5

echo "== ale-speed hotspots --kind atraktor --top 5"
ale hotspots --config "$config" --from "$from" --to "$to" --kind atraktor --top 5

ale report --config "$config" --from "$from" --to "$to" --site nodinge-ale-torg --by day --format html > .data/demo/report-nodinge.html
echo "== Printable report for the follow-up: .data/demo/report-nodinge.html"

# The dashboard over the demo data. At a terminal it serves until Ctrl-C; otherwise (CI, a pipe) it starts on a free
# port, checks that the overview answers, and exits 0, so a non-interactive run finishes.
if [ -t 1 ]; then
  echo "== ale-speed serve: the dashboard over the demo data (Ctrl-C stops it)"
  echo "   open http://127.0.0.1:8080/?from=$from&to=$to"
  ale serve --config "$config"
else
  echo "== ale-speed serve --check (not a terminal: start, fetch the overview, stop; at a terminal it keeps serving)"
  AleSpeed__Dashboard__Url=http://127.0.0.1:0 ale serve --config "$config" --check
fi
