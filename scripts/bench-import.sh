#!/usr/bin/env bash
# Load tool for `ale-speed import` (docs/performance.md): simulates one unit on väg 45 at Nol for about a year, cuts the
# log to exactly LINES lines (default 1,000,000), and imports it twice into a local InfluxDB on loopback — the first run
# counts every vehicle, the second must count none. Prints each run's summary and wall time.
#   scripts/bench-import.sh                      # canonical NDJSON
#   FORMAT=icoms-tma3b3 scripts/bench-import.sh  # any format the simulator writes and import reads
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
format=${FORMAT:-canonical}
lines=${LINES:-1000000}

scripts/install-demo-deps.sh >/dev/null
dotnet build src/Ale.Speed.Worker -c Release -nologo -v quiet
ale() { dotnet src/Ale.Speed.Worker/bin/Release/net10.0/ale-speed.dll "$@"; }

dir=.data/bench-import
rm -rf "$dir" && mkdir -p "$dir"
scripts/influxdb.sh start .data/influxdb 18086
curl -sf -XPOST http://127.0.0.1:18086/query --data-urlencode 'q=DROP DATABASE "ale_speed_bench"' >/dev/null
curl -sf -XPOST http://127.0.0.1:18086/query --data-urlencode 'q=CREATE DATABASE "ale_speed_bench"' >/dev/null
cat > "$dir/config.json" <<JSON
{ "AleSpeed": {
    "DataDirectory": "$dir/data",
    "Sites": [ { "Id": "nol-vag-45", "Name": "Väg 45 vid Nol", "SpeedLimitKmh": 70 } ],
    "Units": [ { "Id": "u-bench", "Site": "nol-vag-45", "Transport": "file", "Format": "$format", "Path": "$dir/unit.log" } ],
    "Influx": { "Url": "http://127.0.0.1:18086", "Api": "v1", "Database": "ale_speed_bench" } } }
JSON

# About 2,700–3,000 vehicles a day on this road: enough days for the requested lines.
ale simulate --config "$dir/config.json" --days $((lines / 2600 + 2)) >/dev/null
head -n "$lines" "$dir/unit.log" > "$dir/read-out.log"
echo "== $(wc -l < "$dir/read-out.log") lines, $(du -h "$dir/read-out.log" | cut -f1), format $format; $(nproc) cores"

for attempt in first second; do
  echo "== ale-speed import ($attempt run)"
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "wall time %e s, peak memory %M KB (the whole process, .NET start-up included)" \
      dotnet src/Ale.Speed.Worker/bin/Release/net10.0/ale-speed.dll import "$dir/read-out.log" --config "$dir/config.json" --unit u-bench --format "$format"
  else
    ale import "$dir/read-out.log" --config "$dir/config.json" --unit u-bench --format "$format"
  fi
done
curl -sf -G http://127.0.0.1:18086/query --data-urlencode db=ale_speed_bench \
  --data-urlencode 'q=SELECT sum("count") FROM speed_bin' | sed 's/^/stored: /'
