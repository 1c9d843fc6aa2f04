#!/usr/bin/env bash
# Installs what wasmpack and its tests need on Debian (run as root), then the npm packages, and
# compiles the TypeScript. Idempotent: a second run installs nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."

# package.json's "packageManager": "pnpm@X.Y.Z" (a "+sha512..." suffix allowed) is the one place it is written.
PNPM_VERSION="$(node -p 'require("./package.json").packageManager.replace(/^pnpm@/, "").split("+")[0]')"
CRANE_VERSION=v0.21.9
WASMTIME_PY_VERSION=50.0.1
DEBIAN_PACKAGES=(
  rustc cargo libstd-rust-dev-wasm32 wasi-libc # Debian's Rust has the wasm32-wasi std (rustc 1.63)
  docker-registry                              # distribution, the reference registry the tests run
  skopeo umoci buildah                         # judges, and the Buildah path the benchmark compares with
  apache2-utils openssl                        # htpasswd and certificates for the auth registries
  tinyproxy                                    # a real HTTP proxy for the HTTP(S)_PROXY tests
  python3-pip                                  # pip for Python's wasmtime, which runs the examples' tests
  time                                         # GNU /usr/bin/time: bench:push reads wasmpack's peak RSS from it
)

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]]; then
  echo "installing pnpm $PNPM_VERSION" >&2
  npm install --global --silent "pnpm@$PNPM_VERSION"
fi

# Python's wasmtime runs the wasmedge-http example in the tests, with WasmEdge's socket imports
# provided by test/support/wasm-runner (there is no WasmEdge package to install here).
if ! python3 -c "import wasmtime" 2>/dev/null; then
  echo "installing wasmtime $WASMTIME_PY_VERSION for Python" >&2
  # Debian's own python3 is "externally managed" (PEP 668); pip needs its consent there.
  python3 -m pip install --quiet --disable-pip-version-check "wasmtime==$WASMTIME_PY_VERSION" 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "wasmtime==$WASMTIME_PY_VERSION"
fi

# crane serves a second registry implementation to the tests and is a peer in bench:push. It
# builds from the Go module proxy in about a minute into .tools/bin (gitignored), where the tests
# and the benchmark look after PATH. It is optional: without it (no Go, no network) those tests
# skip, so a failed install must not stop the setup.
if [[ -x .tools/bin/crane ]] || command -v crane >/dev/null; then
  : # already there
elif ! command -v go >/dev/null; then
  echo "crane not installed (no Go to build it with); its tests skip" >&2
else
  echo "installing crane $CRANE_VERSION into .tools/bin" >&2
  GOBIN="$PWD/.tools/bin" go install "github.com/google/go-containerregistry/cmd/crane@$CRANE_VERSION" ||
    echo "crane not installed (go install github.com/google/go-containerregistry/cmd/crane@$CRANE_VERSION failed); its tests skip" >&2
fi

pnpm install --frozen-lockfile --silent
pnpm run --silent build
