#!/usr/bin/env bash
# Installs everything, then builds both examples into OCI image layouts: the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The `wasmpack` command on PATH, pointing at this checkout's build.
if [[ -w /usr/local/bin ]]; then ln -sf "$PWD/packages/cli/dist/bin.js" /usr/local/bin/wasmpack; fi
node packages/cli/dist/bin.js build examples/wasmedge-http
node packages/cli/dist/bin.js build examples/spin-hello
echo "images written to examples/*/target/wasmpack/oci; next: wasmpack --help (or pnpm wasmpack --help)" >&2
