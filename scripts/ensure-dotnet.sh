#!/usr/bin/env bash
# Makes sure a .NET 10 SDK is on PATH. Idempotent; run as root on Debian/Ubuntu when the SDK must be installed.
set -euo pipefail

has_sdk10() { command -v dotnet >/dev/null 2>&1 && dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; }

if has_sdk10; then
  exit 0
fi

# Ubuntu ships the SDK as a distribution package; Debian needs Microsoft's package feed, which this
# script does not add on its own (configure it, or install the SDK by hand, then run again).
if command -v apt-get >/dev/null 2>&1 && apt-cache show dotnet-sdk-10.0 >/dev/null 2>&1; then
  apt-get install -y -q dotnet-sdk-10.0
fi

if ! has_sdk10; then
  echo "error: the .NET 10 SDK is required (dotnet --list-sdks shows no 10.x). Install it and run again." >&2
  exit 1
fi
