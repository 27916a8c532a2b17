#!/usr/bin/env bash
# Packs the braze tool, installs it from a local folder into a tool path (as a user would from NuGet), and runs each
# command: validate (a valid body exits 0; an invalid one exits 1 naming every path), emulator (started in the
# background on a free port), and import of a 3,000-line NDJSON file with one invalid line, interrupted by SIGINT
# part-way (a --rate keeps it running long enough) and resumed: every valid line lands exactly once, the invalid one
# is in the rejected file. Run by .ci/run; prints "cli test: OK" when everything held.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
emulator_pid=
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
version="0.0.0-clitest.$(date +%s).$$"
dotnet pack "$root/src/Sdk.Cli/Sdk.Cli.csproj" -c Release -o "$work/feed" -p:Version=$version --nologo -v quiet
dotnet tool install Braze.Sdk.Cli --version "$version" --tool-path "$work/tools" --add-source "$work/feed" > /dev/null
braze="$work/tools/braze"
cd "$work"

echo '{"events":[{"external_id":"u1","name":"opened","time":"2024-05-01T00:00:00Z"}]}' > good.json
echo '{"events":[{"external_id":"","name":"opened","time":"yesterday"}]}' > bad.json
"$braze" validate good.json | grep -q '^valid (track)'
set +e
"$braze" validate bad.json > bad.txt; bad_status=$?
set -e
[ "$bad_status" -eq 1 ] || { echo "validate of an invalid body exited $bad_status, not 1" >&2; exit 1; }
grep -q 'events\[0\].external_id \[identifier_invalid\]' bad.txt
grep -q 'events\[0\].time \[time_invalid\]' bad.txt
echo '{"attributes":[{"first_name":"Ann"}]}' | "$braze" validate - | grep -q '^valid (step)'

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$braze" emulator --in-memory --port "$port" --api-key cli-test-key > emulator.log 2>&1 &
emulator_pid=$!
for _ in $(seq 1 100); do grep -q 'listening on' emulator.log && break; sleep 0.1; done
grep -q "listening on http://127.0.0.1:$port" emulator.log

python3 - <<'PY'
import json
with open("users.ndjson", "w") as f:
    for i in range(1, 3001):
        if i == 50:
            f.write('{"external_id":"user50","name":"","time":"2024-05-01T00:00:00Z"}\n')
        else:
            f.write(json.dumps({"external_id": f"user{i}", "name": "imported", "time": "2024-05-01T00:00:00Z", "properties": {"n": i}}) + "\n")
PY
export Braze__ApiKey=cli-test-key Braze__BaseUrl="http://127.0.0.1:$port"
set +e
timeout -s INT 2 "$braze" import users.ndjson --rate 1000 > first.txt 2>&1
set -e
grep -q '^interrupted: ' first.txt || { cat first.txt >&2; echo "the first import was not interrupted" >&2; exit 1; }
"$braze" import users.ndjson > second.txt 2>&1 || [ $? -eq 1 ]
grep -q '^resuming users.ndjson' second.txt
grep -q '^imported: ' second.txt
counts=$(curl -sf -H "Authorization: Bearer cli-test-key" "http://127.0.0.1:$port/_emulator/duplicates")
echo "$counts" | grep -q '"events":2999,"distinct_events":2999' || { echo "emulator counts: $counts" >&2; exit 1; }
grep -q '"line":50' users.ndjson.rejected.ndjson
echo "cli test: imported 2,999 of 3,000 lines once each across an interruption ($(grep '^interrupted' first.txt))"
echo "cli test: OK"
