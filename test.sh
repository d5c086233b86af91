#!/usr/bin/env bash
# The whole test suite on a fresh Debian/Ubuntu machine: installs what the tests need, builds, runs every test project.
# Prints one closing line "N passed, N failed" and exits non-zero when anything failed.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-test-deps.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet build Ale.Speed.sln -c Release -nologo -v quiet

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Ale.Speed.sln -c Release --no-build -nologo 2>&1 | tee "$log" || status=$?

# One closing line summed over the test projects (dotnet test prints one summary per project).
awk '
  /(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+/ {
    match($0, /Failed: +[0-9]+/); f += substr($0, RSTART + 7, RLENGTH - 7) + 0
    match($0, /Passed: +[0-9]+/); p += substr($0, RSTART + 7, RLENGTH - 7) + 0
    match($0, /Skipped: +[0-9]+/); s += substr($0, RSTART + 8, RLENGTH - 8) + 0
    n++
  }
  END {
    if (n == 0) { print "0 passed, 1 failed (no test summary found)"; exit 1 }
    printf "%d passed, %d failed, %d skipped\n", p, f, s
  }' "$log" || status=1

exit "$status"
