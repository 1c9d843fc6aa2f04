#!/usr/bin/env bash
# Installs what the tests need, then runs the whole suite against real cargo, real registries
# and real judges (skopeo, umoci), ending with one plain "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' "$results" || true
exit "$status"
