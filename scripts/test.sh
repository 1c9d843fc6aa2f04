#!/usr/bin/env bash
# Installs what the tests need, then runs the whole suite against real cargo, a real registry
# and real judges (skopeo, umoci).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
exec pnpm exec vitest run "$@"
