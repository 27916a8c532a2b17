#!/usr/bin/env bash
# Publishes the quickstart with Native AOT, fails on any trim/AOT warning, and runs the native binary against its
# embedded emulator. Skips (exit 0, with a message) when the machine has no native toolchain for AOT.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v clang >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1; then
  echo "aot check: SKIPPED - no clang/gcc on this machine, Native AOT cannot link."
  exit 0
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
log="$out/publish.log"
if ! dotnet publish "$root/samples/Quickstart" -c Release -r linux-x64 -p:PublishAot=true -o "$out/bin" --nologo > "$log" 2>&1; then
  tail -30 "$log"
  echo "aot check: FAILED - publish failed"
  exit 1
fi
warnings=$(grep -E "warning (IL[0-9]+|AOT)" "$log" | sort -u | wc -l)
if [ "$warnings" -ne 0 ]; then
  grep -E "warning (IL[0-9]+|AOT)" "$log" | sort -u
  echo "aot check: FAILED - $warnings trim/AOT warning(s)"
  exit 1
fi
if ! (cd "$out" && env -u BRAZE_API_KEY -u BRAZE_BASE_URL timeout 120 "$out/bin/Quickstart" > "$out/run.txt" 2>&1) || ! grep -q "==> Done." "$out/run.txt"; then
  cat "$out/run.txt"
  echo "aot check: FAILED - the native quickstart did not finish"
  exit 1
fi
echo "aot check: OK - 0 trim/AOT warnings, native quickstart ran end to end"
