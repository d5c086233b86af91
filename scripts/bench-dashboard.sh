#!/usr/bin/env bash
# Load tool for the dashboard (docs/performance.md, "Dashboard answers"): runs `ale-speed serve` over a stored year of
# 50 sites (scripts/bench-read.sh stores it), asks for the overview, a site page and the enforcement ranking
# (hotspots) of that year N times each, one request at a time, and prints the first answer's server time (cold: a
# fresh process, nothing cached) and the others' (warm: median and p95), read from each answer's Server-Timing header,
# with the machine's load. Then one site page of another site (a miss in a warm process: the read itself). With
# STALE=1 (default) it then waits until the overview's answers are older than CACHE_SECONDS and asks again: that answer
# is served stale while the cache reads it again, and the tool polls until the refreshed answer is in. It only reads,
# on loopback; it never writes to InfluxDB.
#   scripts/bench-dashboard.sh                                  # the data bench-read.sh left in .data/bench-read
#   DATA=/path/to/bench-read N=50 scripts/bench-dashboard.sh    # another copy of it; N requests per page
#   BUILD=0 …                                                   # skip the build
#   CACHE_SECONDS=60 STALE=0 …                                  # the cache's age (default 60 s); skip the stale step
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
data=${DATA:-.data/bench-read}; port=${PORT:-18096}; n=${N:-30}
from=${FROM:-2025-01-01}; to=${TO:-2026-01-01}; site=${SITE:-load-site-01}; other=${OTHER_SITE:-load-site-02}
config="$data/config-rollups.json"
[ -f "$config" ] || { echo "no $config: store the data with scripts/bench-read.sh first" >&2; exit 2; }
[ "$n" -ge 2 ] || { echo "N must be at least 2 (one cold request, then warm ones)" >&2; exit 2; }
scripts/influxdb.sh start "$data/influxdb" "$port"
if [ "${BUILD:-1}" = 1 ]; then dotnet build src/Ale.Speed.Worker -c Release -nologo -v quiet; fi
ale=src/Ale.Speed.Worker/bin/Release/net10.0/ale-speed.dll

out=$(mktemp -d)
# Any free loopback port; the answers' cache for CACHE_SECONDS (longer than a run of N requests here).
cache_seconds=${CACHE_SECONDS:-60}
# Created here: the background job opens its redirections only when it runs, and the loop below reads them at once.
: >"$out/serve.out"
AleSpeed__Dashboard__Url=http://127.0.0.1:0 AleSpeed__Dashboard__CacheSeconds=$cache_seconds dotnet "$ale" serve --config "$config" >"$out/serve.out" 2>"$out/serve.err" &
serve=$!
trap 'kill "$serve" 2>/dev/null || true; wait "$serve" 2>/dev/null || true; rm -rf "$out"' EXIT
url=
for _ in $(seq 1 600); do
  url=$(sed -n 's/^Dashboard: //p' "$out/serve.out" | head -1)
  [ -n "$url" ] && break
  kill -0 "$serve" 2>/dev/null || { cat "$out/serve.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "ale-speed serve did not start" >&2; exit 1; }

# ask LABEL PATH COUNT: COUNT requests, one at a time; a line per answer: server ms, client ms, cache hits/misses.
ask() {
  local label=$1 path=$2 count=$3 code wall
  : >"$out/$label"
  for _ in $(seq 1 "$count"); do
    read -r code wall < <(curl -sS -o "$out/$label.html" -D "$out/headers" -w '%{http_code} %{time_total}\n' "${url%/}$path")
    [ "$code" = 200 ] || { echo "$label: HTTP $code for $path" >&2; tail -5 "$out/serve.err" >&2; exit 1; }
    timing=$(tr -d '\r' <"$out/headers" | sed -n 's/^[Ss]erver-[Tt]iming: //p')
    total=$(sed -n 's/.*total;dur=\([0-9.]*\).*/\1/p' <<<"$timing")
    cache=$(sed -n 's/.*cache;desc="\([^"]*\)".*/\1/p' <<<"$timing")
    echo "$total $(awk -v s="$wall" 'BEGIN { printf "%.1f", s * 1000 }') $cache" >>"$out/$label"
  done
}

# report LABEL: the first answer (cold) and the rest (warm): median, p95 (nearest rank) and max of the server time.
report() {
  local f="$out/$1" warm client
  warm=$(tail -n +2 "$f" | cut -d' ' -f1 | sort -n | awk '{ v[NR] = $1 } END { printf "median %.1f ms, p95 %.1f ms, max %.1f ms", v[int((NR + 1) / 2)], v[int(NR * 0.95 + 0.999)], v[NR] }')
  client=$(tail -n +2 "$f" | cut -d' ' -f2 | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f ms", v[int((NR + 1) / 2)] }')
  printf '%-9s cold %s | warm x%d: %s (client median %s; last: %s)\n' "$1" \
    "$(awk 'NR == 1 { d = $3; for (i = 4; i <= NF; i++) d = d " " $i; printf "%.1f ms (client %.1f ms; %s)", $1, $2, d }' "$f")" \
    "$(($(wc -l <"$f") - 1))" "$warm" "$client" "$(tail -1 "$f" | cut -d' ' -f3-)"
}

echo "== $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) before; $url; $from – $to; N=$n"
ask overview "/?from=$from&to=$to" "$n"
ask site "/site/$site?from=$from&to=$to" "$n"
ask hotspots "/hotspots?from=$from&to=$to" "$n"
ask other-site "/site/$other?from=$from&to=$to" 1
echo "== load $(cut -d' ' -f1-3 /proc/loadavg) after; serve's resident memory $(awk '/VmRSS/ { print $2 " " $3 }' "/proc/$serve/status")"
report overview
report site
report hotspots
# What was answered, so an empty store does not pass for a fast one.
echo "overview: $(grep -c '<tr data-site=' "$out/overview.html") site rows, vehicles of the first: $(grep -o 'data-figure="vehicles">[^<]*' "$out/overview.html" | head -1 | cut -d'>' -f2); site page: $(grep -c '<tr data-group=' "$out/site.html") weeks; hotspots: $(grep -c '<tr data-site=' "$out/hotspots.html") windows listed"
if grep -q 'data-figure="vehicles">0[ <]' "$out/overview.html"; then
  echo "warning: the overview shows sites without vehicles: a store without month rollups read with Influx.MonthRollups (add them: KEEP=1 MONTHS=1 scripts/bench-read.sh)" >&2
fi
if [ "${STALE:-1}" = 1 ]; then
  # The overview's answers were read at its cold request; once older than CACHE_SECONDS the next request is served
  # stale (and starts the background reads); poll (at most a minute) until a request is answered fresh again.
  sleep "$cache_seconds"
  t0=$(date +%s.%N)
  ask stale "/?from=$from&to=$to" 1
  polls=0
  until ask fresh "/?from=$from&to=$to" 1 && grep -q ' 2 hit' "$out/fresh"; do
    polls=$((polls + 1)); [ "$polls" -lt 600 ] || { echo "the overview was not refreshed within a minute" >&2; exit 1; }
    sleep 0.1
  done
  t1=$(date +%s.%N)
  echo "overview after $cache_seconds s: $(awk '{ d = $3; for (i = 4; i <= NF; i++) d = d " " $i; printf "%.1f ms server (%s)", $1, d }' "$out/stale"); answered fresh again $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s", b - a }') later: $(awk '{ d = $3; for (i = 4; i <= NF; i++) d = d " " $i; printf "%.1f ms server (%s)", $1, d }' "$out/fresh")"
fi
echo "another site's page, process warm: $(awk '{ d = $3; for (i = 4; i <= NF; i++) d = d " " $i; printf "%.1f ms server (%s)", $1, d }' "$out/other-site")"
