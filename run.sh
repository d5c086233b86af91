#!/usr/bin/env bash
# The main job on a fresh Debian/Ubuntu machine: a local InfluxDB, three weeks of simulated traffic from four radar
# units in Ale, the real edge worker storing it, a fifth sign's read-out imported by hand, police controls and residents'
# reports registered, then what planners and police look at. Everything lands in .data/ (git-ignored).
# Options after the script name go to nothing; set DAYS=28 for more traffic (below 21 the hotspot rankings stay empty).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

scripts/install-demo-deps.sh
# The production build (self-contained, compiled ahead of time): what an installation runs.
scripts/publish.sh

config=scripts/demo/ale-speed.demo.json
ale() { artifacts/ale-speed/ale-speed "$@"; }
# Three weeks: a hotspot window (an hour of the week at a site) is ranked only when it was observed in at least 3 hours
# (HotspotOptions.MinimumObservedHours), so a single week leaves every window "insufficient data".
days=${DAYS:-21}
to=$(date +%Y-%m-%d)
from=$(date -d "${days} days ago" +%Y-%m-%d)
# A local date n days ago, never before the simulated traffic starts.
ago() { date -d "$(( $1 < days ? $1 : days )) days ago" +%Y-%m-%d; }

# A local InfluxDB 1.x on a loopback port, data in .data/influxdb; the demo starts from an empty database each time.
scripts/influxdb.sh start .data/influxdb 18086
influx_query() { curl -sf -XPOST "http://127.0.0.1:18086/query" --data-urlencode "q=$1" >/dev/null; }
influx_query 'DROP DATABASE "ale_speed_demo"'
influx_query 'CREATE DATABASE "ale_speed_demo"'
# The rollups in their own policy with 52-week shard groups, as docs/schema.md recommends ("Retention per level"; the
# demo configuration's Influx.RollupRetentionPolicy); the 5-minute windows stay in the default policy.
influx_query 'CREATE RETENTION POLICY "rollups" ON "ale_speed_demo" DURATION INF REPLICATION 1 SHARD DURATION 52w'
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

echo "== ale-speed report --from $from --to $to"
ale report --config "$config" --from "$from" --to "$to"

echo "== ale-speed hotspots --kind speeding --top 5 (where an hour of enforcement catches the most serious speeding)"
ale hotspots --config "$config" --from "$from" --to "$to" --kind speeding --top 5

echo "== ale-speed hotspots --kind atraktor --top 5"
ale hotspots --config "$config" --from "$from" --to "$to" --kind atraktor --top 5

ale report --config "$config" --from "$from" --to "$to" --site nodinge-ale-torg --by day --format html > .data/demo/report-nodinge.html
echo "== Printable report for the follow-up: .data/demo/report-nodinge.html"

# The follow-up of the commitment (AleSpeed:Commitment in the demo configuration; its period set to this year here).
# The database is created empty above, so re-running the demo registers these once, never twice.
year=$(date -d "$from" +%Y)
export AleSpeed__Commitment__From="${year}-01-01" AleSpeed__Commitment__To="$(( year + 1 ))-01-01"
echo "== ale-speed controls add: police controls held during the demo period (what was done)"
ale controls add --config "$config" --site nodinge-ale-torg --from "$(ago $(( days / 2 )))T19:00" --to "$(ago $(( days / 2 )))T21:00" \
  --checked 42 --reported 7 --licences 1 --note "Kvällskontroll vid Ale torg"
ale controls add --config "$config" --site skepplanda-byvagen --from "$(ago $(( days * 2 / 5 )))T18:30" --to "$(ago $(( days * 2 / 5 )))T21:00" \
  --kind moped-atraktor --checked 15 --reported 3
ale controls add --config "$config" --site nol-vag-45 --from "$(ago $(( days / 4 )))T07:00" --to "$(ago $(( days / 4 )))T09:00" --checked 60 --reported 9 --licences 2
ale controls list --config "$config" --from "$from" --to "$to"

echo "== ale-speed concerns import: residents' reports from a survey tool (what was felt)"
cat > .data/demo/concerns.csv <<CSV
place,received,kind,site,latitude,longitude
Ale torg,$(ago 19),speeding,nodinge-ale-torg,,
Göteborgsvägen vid skolan,$(ago 17),speeding,,57.9589,12.1180
Byvägen,$(ago 15),atraktor,skepplanda-byvagen,,
"Vallmovägen, Nödinge",$(ago 12),moped,,57.9010,12.0450
"Vallmovägen, Nödinge",$(ago 9),speeding,,,
Starrkärrsvägen,$(ago 4),speeding,,57.9400,12.0900
CSV
ale concerns import .data/demo/concerns.csv --config "$config"

echo "== ale-speed followup: promised against done; per site controls, residents' reports and measured effect (7 days before/after)"
ale followup --config "$config" --from "$from" --to "$to" --days 7
ale followup --config "$config" --from "$from" --to "$to" --days 7 --format html > .data/demo/followup.html
echo "== Printable follow-up: .data/demo/followup.html"

# The dashboard over the demo data. At a terminal it serves until Ctrl-C; otherwise (CI, a pipe) it starts on a free
# port, checks that the overview answers, and exits 0, so a non-interactive run finishes.
if [ -t 1 ]; then
  echo "== ale-speed serve: the dashboard over the demo data (Ctrl-C stops it)"
  echo "   open http://127.0.0.1:8080/?from=$from&to=$to"
  echo "   the follow-up: http://127.0.0.1:8080/followup?from=$from&to=$to&days=7"
  ale serve --config "$config"
else
  echo "== ale-speed serve --check (not a terminal: start, fetch the overview and the follow-up, stop; at a terminal it keeps serving)"
  AleSpeed__Dashboard__Url=http://127.0.0.1:0 ale serve --config "$config" --check
fi
