#!/usr/bin/env bash
# apt-install.sh COMMAND PACKAGE...: installs the distribution's PACKAGEs when COMMAND is not found (on PATH or in
# /usr/sbin), idempotently, without starting any service the packages bring (tests and demos run their own processes).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 COMMAND PACKAGE..." >&2; exit 2; }
command_name=$1
shift

found() { command -v "$command_name" >/dev/null 2>&1 || [ -x "/usr/sbin/$command_name" ]; }

found && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: $command_name is missing and apt-get is not available; install $* by hand." >&2
  exit 1
fi
if ! apt-cache show "$1" >/dev/null 2>&1; then
  apt-get update -q
fi
# policy-rc.d refuses service starts during installation (no daemon is wanted, and there may be no init).
policy=/usr/sbin/policy-rc.d
created=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
fi
status=0
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" || status=$?
[ "$created" = 1 ] && rm -f "$policy"
[ "$status" = 0 ] || exit "$status"
found || { echo "error: $* installed but $command_name is not on PATH nor in /usr/sbin." >&2; exit 1; }
