#!/usr/bin/env bash
# Installs what the main job needs (Debian's Rust with the wasm target and its linker, pnpm, the
# npm packages, the TypeScript build), then builds both examples into OCI image layouts.
# scripts/test.sh installs what only the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --main
# The `wasmpack` command on PATH, pointing at this checkout's build.
if [[ -w /usr/local/bin ]]; then ln -sf "$PWD/packages/cli/dist/bin.js" /usr/local/bin/wasmpack; fi
node packages/cli/dist/bin.js build examples/wasmedge-http
node packages/cli/dist/bin.js build examples/spin-hello
echo "images written to examples/*/target/wasmpack/oci; next: wasmpack --help (or pnpm wasmpack --help)" >&2
