#!/usr/bin/env bash
# The production build of the ale-speed command, into artifacts/ale-speed (or OUT): self-contained (no .NET install
# needed where it runs) and compiled ahead of time as one ReadyToRun composite of the app and the framework, so a
# command starts on native code instead of spending most of its CPU in the JIT (docs/performance.md, "The reads' own
# cost, and start-up and JIT"). Run it as artifacts/ale-speed/ale-speed … (scripts/systemd/ale-speed.service). Idempotent.
#   scripts/publish.sh                  # for this machine's architecture
#   RID=linux-arm64 scripts/publish.sh  # for another architecture (an arm64 edge box; not tried on this machine)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
scripts/ensure-dotnet.sh
case "$(uname -m)" in
  aarch64|arm64) arch=arm64 ;;
  *) arch=x64 ;;
esac
rid=${RID:-linux-$arch}
out=${OUT:-artifacts/ale-speed}
dotnet publish src/Ale.Speed.Worker -c Release -r "$rid" --self-contained \
  -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true -o "$out" -nologo -v quiet
echo "published $rid to $out/ale-speed"
