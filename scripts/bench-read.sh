#!/usr/bin/env bash
# Load tool for the read side (docs/performance.md): stores SITES sites × DAYS days of bins in a local InfluxDB 1.6 on
# loopback — 5-minute bins for the first WINDOW_SITES sites, hour, day and month rollups for all, and unit coverage as a
# worker writes it (a point per unit and alive 5-minute window, with outages) — generated as bins
# directly (vehicles drawn per window and added to bins; no frames, no worker), then times `ale-speed report` (total, by
# day, hour of the week) and `hotspots` over the year and over a month, with and without reading rollups.
# The rollups (hour, day, month, hour-of-week levels, coverage days) go to their own retention policy ROLLUP_RP (default
# `rollups`, created with SHARD DURATION ROLLUP_SHARD, default 52w: a year's reads open 2 shard groups instead of the 53
# weekly ones of the default policy; docs/schema.md, retention per level) and the configuration names it
# (Influx.RollupRetentionPolicy); windows and coverage points stay in the default policy. ROLLUP_RP= stores everything in
# the default policy, as before.
#   scripts/bench-read.sh                 # 50 sites × 365 days (about 7 minutes to store on 2 busy cores)
#   SITES=5 DAYS=31 scripts/bench-read.sh # smaller
#   KEEP=1 scripts/bench-read.sh          # time the data stored before (in DIR, default .data/bench-read; PORT 18096)
#   KEEP=1 MONTHS=1 scripts/bench-read.sh # add the month rollups to data stored before them (same generator, same seed)
#   KEEP=1 HOW=1 scripts/bench-read.sh    # add the hour-of-week levels to data stored before them (from the stored hours)
#   KEEP=1 COVERAGE=1 scripts/bench-read.sh # add unit coverage to data stored before it (its outage windows keep their bins)
#   KEEP=1 ALE=artifacts/ale-speed/ale-speed scripts/bench-read.sh # time the published build (scripts/publish.sh)
#   ROLLUP_RP= scripts/bench-read.sh      # every level in the default policy (7-day shard groups), as before
#   KEEP=1 …: pass the ROLLUP_RP the data was stored with (ROLLUP_RP= for data stored before the rollups' policy)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
sites=${SITES:-50}; days=${DAYS:-365}; window_sites=${WINDOW_SITES:-5}
dir=${DIR:-.data/bench-read}; port=${PORT:-18096}
rollup_rp=${ROLLUP_RP-rollups}; rollup_shard=${ROLLUP_SHARD:-52w}
scripts/install-demo-deps.sh >/dev/null
dotnet build Ale.Speed.sln -c Release -nologo -v quiet
mkdir -p "$dir"
scripts/influxdb.sh start "$dir/influxdb" "$port"
load() {
  /usr/bin/time -f "stored in %e s, peak memory %M KB" dotnet benchmarks/Ale.Speed.Benchmarks/bin/Release/net10.0/Ale.Speed.Benchmarks.dll \
    load --url "http://127.0.0.1:$port/" --db ale_speed_read --sites "$sites" --window-sites "$window_sites" --from 2025-01-01 --days "$days" \
    --config-out "$dir/config-rollups.json" --data-dir "$dir/data" ${rollup_rp:+--rollup-rp "$rollup_rp"} "$@"
}
if [ "${KEEP:-0}" != 1 ]; then
  curl -sf -XPOST "http://127.0.0.1:$port/query" --data-urlencode 'q=DROP DATABASE "ale_speed_read"' >/dev/null
  curl -sf -XPOST "http://127.0.0.1:$port/query" --data-urlencode 'q=CREATE DATABASE "ale_speed_read"' >/dev/null
  if [ -n "$rollup_rp" ]; then
    curl -sf -XPOST "http://127.0.0.1:$port/query" \
      --data-urlencode "q=CREATE RETENTION POLICY \"$rollup_rp\" ON \"ale_speed_read\" DURATION INF REPLICATION 1 SHARD DURATION $rollup_shard" >/dev/null
  fi
  load --levels window,hour,day,month,coverage
  load --levels how
elif [ "${MONTHS:-0}" = 1 ]; then
  load --levels month
fi
if [ "${KEEP:-0}" = 1 ] && [ "${HOW:-0}" = 1 ]; then
  load --levels how
fi
if [ "${KEEP:-0}" = 1 ] && [ "${COVERAGE:-0}" = 1 ]; then
  load --levels coverage
fi
sed 's/"ReadRollups": true/"ReadRollups": false/' "$dir/config-rollups.json" > "$dir/config-windows.json"
# ALE=artifacts/ale-speed/ale-speed times the published build (scripts/publish.sh) instead of the JIT-compiled one.
ale=${ALE:-src/Ale.Speed.Worker/bin/Release/net10.0/ale-speed.dll}
[[ "$ale" == *.dll ]] && run=(dotnet "$ale") || run=("$ale")
timed() { local label=$1; shift; /usr/bin/time -f "$label: %e s (CPU %U s user), peak memory %M KB" "${run[@]}" "$@" >/dev/null; }
echo "== $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for config in rollups windows; do
  c="$dir/config-$config.json"
  for range in "2025-01-01 2026-01-01 year" "2025-03-01 2025-04-01 month"; do
    set -- $range
    [ "$config" = windows ] && site=(--site load-site-01) || site=()
    for by in total day hour-of-week; do
      timed "$config, ${site[*]:-all sites}, $3, report --by $by" report --config "$c" "${site[@]}" --from "$1" --to "$2" --by "$by"
    done
    if [ "$config" = rollups ]; then timed "$config, all sites, $3, hotspots" hotspots --config "$c" --from "$1" --to "$2"; fi
  done
done
