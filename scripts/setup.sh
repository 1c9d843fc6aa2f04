#!/usr/bin/env bash
# Installs everything, then builds both examples into OCI image layouts: the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
node packages/cli/dist/bin.js build examples/wasmedge-http
node packages/cli/dist/bin.js build examples/spin-hello
echo "images written to examples/*/target/wasmpack/oci; try: node packages/cli/dist/bin.js --help" >&2
