#!/usr/bin/env bash
# Load tool for the dashboard (docs/performance.md, "Dashboard answers"): runs `ale-speed serve` over a stored year of
# 50 sites (scripts/bench-read.sh stores it), asks for the overview and a site page of that year N times each, one
# request at a time, and prints the first answer's server time (cold: a fresh process, nothing cached) and the others'
# (warm: median and p95), read from each answer's Server-Timing header, with the machine's load. Then one site page
# of another site (a miss in a warm process: the read itself). It only reads, on loopback; it never writes to InfluxDB.
#   scripts/bench-dashboard.sh                                  # the data bench-read.sh left in .data/bench-read
#   DATA=/path/to/bench-read N=50 scripts/bench-dashboard.sh    # another copy of it; N requests per page
#   BUILD=0 …                                                   # skip the build
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
# Any free loopback port; the answers' cache as configured (default 60 s, longer than a run of N requests here).
AleSpeed__Dashboard__Url=http://127.0.0.1:0 dotnet "$ale" serve --config "$config" >"$out/serve.out" 2>"$out/serve.err" &
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
    "$(awk 'NR == 1 { printf "%.1f ms (client %.1f ms; %s %s %s %s)", $1, $2, $3, $4, $5, $6 }' "$f")" \
    "$(($(wc -l <"$f") - 1))" "$warm" "$client" "$(tail -1 "$f" | cut -d' ' -f3-)"
}

echo "== $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) before; $url; $from – $to; N=$n"
ask overview "/?from=$from&to=$to" "$n"
ask site "/site/$site?from=$from&to=$to" "$n"
ask other-site "/site/$other?from=$from&to=$to" 1
echo "== load $(cut -d' ' -f1-3 /proc/loadavg) after; serve's resident memory $(awk '/VmRSS/ { print $2 " " $3 }' "/proc/$serve/status")"
report overview
report site
# What was answered, so an empty store does not pass for a fast one.
echo "overview: $(grep -c '<tr data-site=' "$out/overview.html") site rows, vehicles of the first: $(grep -o 'data-figure="vehicles">[^<]*' "$out/overview.html" | head -1 | cut -d'>' -f2); site page: $(grep -c '<tr data-group=' "$out/site.html") weeks"
echo "another site's page, process warm: $(awk '{ printf "%.1f ms server (%s %s %s %s)", $1, $3, $4, $5, $6 }' "$out/other-site")"
