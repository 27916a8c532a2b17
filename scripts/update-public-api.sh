#!/usr/bin/env bash
# Adds every public symbol the build reports as undeclared (RS0016) to PROJECT/PublicAPI.Unshipped.txt (default src/Sdk) and removes
# the declared ones that no longer exist (RS0017). Review the diff: it is the change to the package's public API.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
project=${1:-src/Sdk}
api=$project/PublicAPI.Unshipped.txt
log=$(dotnet build "$project" --no-incremental -p:BuildProjectReferences=false -p:TreatWarningsAsErrors=false 2>&1 || true)
added=$(grep -oE "RS0016: Symbol '.*' is not part of the declared public API" <<<"$log" | sed -E "s/^RS0016: Symbol '(.*)' is not part of the declared public API$/\1/" | sort -u || true)
removed=$(grep -oE "RS0017: Symbol '.*' is part of the declared API" <<<"$log" | sed -E "s/^RS0017: Symbol '(.*)' is part of the declared API$/\1/" | sort -u || true)
# RS0036: a declared line lacks nullability annotations; the message holds the annotated form. The line it replaces
# is the one that equals it once every '!' and '?' is dropped from both.
reannotated=$(grep -oE "RS0036: Symbol '.*' is missing nullability annotations" <<<"$log" | sed -E "s/^RS0036: Symbol '(.*)' is missing nullability annotations$/\1/" | sort -u || true)
if [[ -n "$reannotated" ]]; then
  tr -d '!?' <<<"$reannotated" > "$api.stale"
  awk 'NR == FNR { drop[$0] = 1; next } { k = $0; gsub(/[!?]/, "", k); if (!(k in drop)) print }' "$api.stale" "$api" > "$api.tmp"
  mv "$api.tmp" "$api"
  rm -f "$api.stale"
  added=$(printf '%s\n%s' "$added" "$reannotated" | grep . || true)
fi
if [[ -n "$removed" ]]; then
  grep -vxF -f <(printf '%s\n' "$removed") "$api" > "$api.tmp" || true
  mv "$api.tmp" "$api"
fi
if [[ -n "$added" ]]; then
  printf '%s\n' "$added" >> "$api"
fi
{ head -n1 "$api"; tail -n +2 "$api" | sort -u; } > "$api.tmp" && mv "$api.tmp" "$api"
echo "added $(grep -c . <<<"$added" || true), removed $(grep -c . <<<"$removed" || true), re-annotated $(grep -c . <<<"$reannotated" || true) public API lines in $api"
