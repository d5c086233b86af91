#!/usr/bin/env bash
# InfluxDB 1.x for tests and demos, from the distribution's own package (Debian 12: influxdb 1.6.7).
#   influxdb.sh install   installs the package when `influxd` is missing (idempotent).
# The package's system service is never started here: tests run their own influxd on a loopback
# port with a temporary data folder (see tests/Ale.Speed.Influx.Tests/Support/InfluxDbServer.cs).
set -euo pipefail

usage() { echo "usage: $0 install | start DIR PORT | stop DIR" >&2; exit 2; }

# start DIR PORT: an influxd for the demo on 127.0.0.1:PORT with its data in DIR (idempotent: a running one is kept).
start_influxdb() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ -f "$dir/influxd.pid" ] && kill -0 "$(cat "$dir/influxd.pid")" 2>/dev/null; then
    return 0
  fi
  # Another server (another engineer's) on the port would answer our pings: refuse instead of using its data.
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ping")" != 000 ]; then
    echo "error: 127.0.0.1:$port already answers (another influxd?); choose another PORT" >&2
    exit 1
  fi
  cat >"$dir/influxd.conf" <<CONF
reporting-enabled = false
bind-address = "127.0.0.1:$((port + 2))"
[meta]
  dir = "$dir/meta"
  logging-enabled = false
[data]
  dir = "$dir/data"
  wal-dir = "$dir/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$port"
  log-enabled = false
CONF
  nohup influxd -config "$dir/influxd.conf" >"$dir/influxd.log" 2>&1 &
  echo $! >"$dir/influxd.pid"
  for _ in $(seq 1 150); do
    # Our influxd must still be running: another engineer's server on the same port would answer the ping too.
    if ! kill -0 "$(cat "$dir/influxd.pid")" 2>/dev/null; then
      rm -f "$dir/influxd.pid"
      echo "error: influxd for $dir exited (port $port or $((port + 2)) taken?); see $dir/influxd.log" >&2
      exit 1
    fi
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ping")" = 204 ]; then
      return 0
    fi
    sleep 0.2
  done
  echo "error: influxd did not answer on 127.0.0.1:$port within 30 s; see $dir/influxd.log" >&2
  exit 1
}

stop_influxdb() {
  local dir=$1
  if [ -f "$dir/influxd.pid" ]; then
    kill "$(cat "$dir/influxd.pid")" 2>/dev/null || true
    rm -f "$dir/influxd.pid"
  fi
}

install_influxdb() {
  "$(dirname "$0")/apt-install.sh" influxd influxdb
}

case "${1:-}" in
  install) install_influxdb ;;
  start) [ $# -eq 3 ] || usage; install_influxdb; start_influxdb "$2" "$3" ;;
  stop) [ $# -eq 2 ] || usage; stop_influxdb "$2" ;;
  *) usage ;;
esac
