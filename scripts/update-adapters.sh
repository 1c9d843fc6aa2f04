#!/usr/bin/env bash
# Refreshes the WASI preview 1 component adapters that `wasmpack build --component` links in.
# They come from Wasmtime's own crate, wasi-preview1-component-adapter-provider, which embeds the
# release artefacts (Apache-2.0 WITH LLVM-exception); cargo fetches it from crates.io.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${1:-50.0.1}"
DEST=packages/builder/src/wasm/adapters
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo new --quiet --lib "$work/fetch"
printf 'wasi-preview1-component-adapter-provider = "=%s"\n' "$VERSION" >>"$work/fetch/Cargo.toml"
cargo fetch --quiet --manifest-path "$work/fetch/Cargo.toml"
crate="$(find "${CARGO_HOME:-$HOME/.cargo}/registry/cache" -name "wasi-preview1-component-adapter-provider-$VERSION.crate" | head -1)"
tar -xzf "$crate" -C "$work"
for kind in command reactor; do
  cp "$work/wasi-preview1-component-adapter-provider-$VERSION/artefacts/wasi_snapshot_preview1.$kind.wasm" "$DEST/"
done
(cd "$DEST" && sha256sum ./*.wasm)
echo "adapters of wasi-preview1-component-adapter-provider $VERSION in $DEST; update the version in $DEST/README.md" >&2
