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
# x64: precompile for x86-64-v3 (AVX2, 2013 on) when this machine has AVX2 (X64_LEVEL=… to choose, e.g. for another
# box). On the default baseline, code that depends on AVX2 being absent is thrown away at start on an AVX2 machine and
# compiled again; on a CPU without AVX2, a v3 build's code is thrown away instead and the JIT compiles everything (same
# results, ~3x the CPU for a year's report: docs/performance.md, session 8).
isa=()
if [[ "$rid" == *-x64 ]]; then
  level=${X64_LEVEL:-$(grep -qw avx2 /proc/cpuinfo && echo x86-64-v3 || echo x86-64-v2)}
  isa=("-p:PublishReadyToRunCrossgen2ExtraArgs=--instruction-set:$level")
fi
dotnet publish src/Ale.Speed.Worker -c Release -r "$rid" --self-contained \
  -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true "${isa[@]}" -o "$out" -nologo -v quiet
echo "published $rid to $out/ale-speed"
