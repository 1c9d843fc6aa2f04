#!/usr/bin/env bash
# Installs what the main job and the tests need (on a fresh machine too: CI runs only this), then
# runs the whole suite against real cargo, real registries and real judges (skopeo, umoci) under
# the system Node (floor 20.19) and under Node 24 LTS, ending with one plain "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
run_suite() { # NAME NODE [vitest args]
  local name=$1 node=$2
  shift 2
  echo "== tests under $name ($("$node" --version))" >&2
  "$node" node_modules/vitest/vitest.mjs run --reporter=default --reporter=json --outputFile.json="$results/$name.json" "$@" || status=$?
}
# WASMPACK_TEST_NODES picks the Nodes (default both); the fresh-root stage of .ci/run runs one.
nodes="${WASMPACK_TEST_NODES:-system 24}"
[[ " $nodes " == *" system "* ]] && run_suite node-system node "$@"
[[ " $nodes " == *" 24 "* ]] && run_suite node-24 .tools/node-24/node_modules/.bin/node "$@"

node -e '
  let passed = 0, failed = 0, skipped = 0;
  for (const file of process.argv.slice(1)) {
    try {
      const r = JSON.parse(require("fs").readFileSync(file, "utf8"));
      passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests;
    } catch { failed += 1; console.error(`no results in ${file}`); }
  }
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$results"/*.json
exit "$status"
