#!/usr/bin/env bash
# Installs what wasmpack needs on Debian (run as root), in two parts:
#
#   scripts/install-deps.sh --main   # the main job: Debian's Rust with the wasm target and its
#                                    # linker, pnpm, the npm packages, the TypeScript build
#   scripts/install-deps.sh          # that, plus what only the tests and benchmarks need
#   scripts/install-deps.sh --go-tools  # only the judges built with Go (part of the second)
#
# scripts/setup.sh runs the first, scripts/test.sh the second. Idempotent: a second run installs
# nothing new. Each package list is written once, here.
set -euo pipefail
cd "$(dirname "$0")/.."
go_only=false
case "${1:-}" in
  --main) tests=false ;;
  "") tests=true ;;
  --go-tools) tests=true go_only=true ;; # only the Go-built judges (.ci/run builds them beside its fresh-root stage)
  *) echo "usage: $0 [--main | --go-tools]" >&2; exit 2 ;;
esac

# --- the main job ---------------------------------------------------------------------------------
# package.json's "packageManager": "pnpm@X.Y.Z" (a "+sha512..." suffix allowed) is the one place it is written.
PNPM_VERSION="$(node -p 'require("./package.json").packageManager.replace(/^pnpm@/, "").split("+")[0]')"
MAIN_DEBIAN_PACKAGES=(
  rustc cargo libstd-rust-dev-wasm32 wasi-libc # Debian's Rust has the wasm32-wasi std (rustc 1.63)
  lld-14                                       # its wasm linker: /usr/bin/rust-lld -> lld-14, only a
)                                              # "Recommends" of libstd-rust-dev-wasm32

# --- the tests and benchmarks ---------------------------------------------------------------------
TEST_DEBIAN_PACKAGES=(
  docker-registry                              # distribution, the reference registry the tests run
  skopeo umoci buildah                         # judges, and the Buildah path the benchmark compares with
  apache2-utils openssl                        # htpasswd and certificates for the auth registries
  tinyproxy                                    # a real HTTP proxy for the HTTP(S)_PROXY tests
  python3-pip                                  # pip for Python's wasmtime, which runs the examples' tests
  time                                         # GNU /usr/bin/time: bench:push reads wasmpack's peak RSS from it
)
WASMTIME_PY_VERSION=50.0.1
SPDX_TOOLS_VERSION=0.8.3 # the SPDX Python tools: judge wasmpack's SPDX 2.3 SBOMs
CYCLONEDX_PY_VERSION=11.5.0 # cyclonedx-python-lib: judges its CycloneDX 1.6 SBOMs with the official schema
IN_TOTO_ATTESTATION_VERSION=0.9.3 # in-toto's Statement and SLSA Provenance v1 protos: judge its provenance
NODE24_VERSION=24.21.0 # the second Node the suite runs under (the npm package node), in .tools/node-24
# Go tools (optional: without Go, or when a build fails, the tests that use them skip).
GO_TOOLS=(
  "crane github.com/google/go-containerregistry/cmd/crane@v0.21.9" # a second registry, a peer in bench:push
  "oras oras.land/oras/cmd/oras@v1.3.3"                            # a peer in the benchmark
  "cosign github.com/sigstore/cosign/v3/cmd/cosign@v3.1.3"         # judges signatures (OCI 1.1 referrers)
  "syft github.com/anchore/syft/cmd/syft@v1.57.2"                  # the SBOM scanner wasmpack's SBOM is compared with
)
# Node-side judges of `wasmpack node-config` (optional, like the Go tools): containerd's own config
# loader at the versions its output is written for, and CRI-O's config validation (v1.34.0, pinned
# in test/support/crio-config/go.mod). About 4 min each on 2 cores, cold.
CONTAINERD_JUDGES=(1.7.35 2.1.9 2.2.9 2.3.7)

# --- the Go-built judges (optional: without Go, or when a build fails, the tests that use them skip)
build_go_tools() {
  # Go tools build from the Go module proxy into .tools/bin (gitignored), where the tests and the
  # benchmark look after PATH: crane and oras in about a minute each, cosign in about 4 min and syft
  # in about 6 min on 2 cores (empty build cache, modules already downloaded).
  for tool in "${GO_TOOLS[@]}"; do
    read -r name module <<<"$tool"
    if [[ -x ".tools/bin/$name" ]] || command -v "$name" >/dev/null; then
      continue
    elif ! command -v go >/dev/null; then
      echo "$name not installed (no Go to build it with); its tests skip" >&2
    else
      echo "installing ${module##*/} into .tools/bin" >&2
      GOBIN="$PWD/.tools/bin" go install "$module" || echo "$name not installed (go install $module failed); its tests skip" >&2
    fi
  done

  # containerd refuses `go install` (exclude directives in its go.mod), so each version is built inside
  # its downloaded module; only `config default` and `config dump` are used, so no cgo snapshotters.
  if command -v go >/dev/null; then
    bin="$PWD/.tools/bin"
    for version in "${CONTAINERD_JUDGES[@]}"; do
      [[ -x "$bin/containerd-$version" ]] && continue
      module=github.com/containerd/containerd/v2
      [[ $version == 1.* ]] && module=github.com/containerd/containerd
      echo "building containerd $version (its config loader, for the node-config tests) into .tools/bin" >&2
      dir="$(go mod download -json "$module@v$version" 2>/dev/null | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' || true)"
      if [[ -z "$dir" ]] || ! (cd "$dir" && CGO_ENABLED=0 go build -tags "no_btrfs no_devmapper no_zfs" -o "$bin/containerd-$version" ./cmd/containerd); then
        echo "containerd-$version not built; the node-config tests against it skip" >&2
      fi
    done
    crio=test/support/crio-config
    if ! [[ -x "$bin/crio-config" && "$bin/crio-config" -nt "$crio/main.go" && "$bin/crio-config" -nt "$crio/go.mod" ]]; then
      echo "building crio-config (CRI-O's config validation, for the node-config tests) into .tools/bin" >&2
      (cd "$crio" && CGO_ENABLED=0 go build -tags "containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper" -o "$bin/crio-config" .) ||
        echo "crio-config not built; the node-config tests against CRI-O skip" >&2
    fi
    # go-containerregistry's registry with the OCI 1.1 referrers API (test/support/referrers-registry).
    referrers=test/support/referrers-registry
    if ! [[ -x "$bin/referrers-registry" && "$bin/referrers-registry" -nt "$referrers/main.go" && "$bin/referrers-registry" -nt "$referrers/go.mod" ]]; then
      echo "building referrers-registry (a registry with the OCI 1.1 referrers API, for the referrers tests) into .tools/bin" >&2
      (cd "$referrers" && CGO_ENABLED=0 go build -o "$bin/referrers-registry" .) ||
        echo "referrers-registry not built; the tests against it skip" >&2
    fi
  else
    echo "containerd, crio-config and referrers-registry not built (no Go); the tests against them skip" >&2
  fi
}
if $go_only; then
  build_go_tools
  exit 0
fi

# --- Debian packages, one apt run -----------------------------------------------------------------
wanted=("${MAIN_DEBIAN_PACKAGES[@]}")
if $tests; then wanted+=("${TEST_DEBIAN_PACKAGES[@]}"); fi
missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- pnpm, the npm packages, the build ------------------------------------------------------------
if [[ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]]; then
  echo "installing pnpm $PNPM_VERSION" >&2
  npm install --global --silent "pnpm@$PNPM_VERSION"
fi
pnpm install --frozen-lockfile --silent
pnpm run --silent build

$tests || exit 0

# --- what only the tests need ---------------------------------------------------------------------
# Python's wasmtime runs the wasmedge-http example in the tests, with WasmEdge's socket imports
# provided by test/support/wasm-runner (there is no WasmEdge package to install here).
if ! python3 -c "import wasmtime" 2>/dev/null; then
  echo "installing wasmtime $WASMTIME_PY_VERSION for Python" >&2
  # Debian's own python3 is "externally managed" (PEP 668); pip needs its consent there.
  python3 -m pip install --quiet --disable-pip-version-check "wasmtime==$WASMTIME_PY_VERSION" 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "wasmtime==$WASMTIME_PY_VERSION"
fi
sbom_judges=("spdx-tools==$SPDX_TOOLS_VERSION" "cyclonedx-python-lib[json-validation]==$CYCLONEDX_PY_VERSION" "in-toto-attestation==$IN_TOTO_ATTESTATION_VERSION")
if ! python3 -c "from importlib.metadata import version as v; assert (v('spdx-tools'), v('cyclonedx-python-lib'), v('in-toto-attestation')) == ('$SPDX_TOOLS_VERSION', '$CYCLONEDX_PY_VERSION', '$IN_TOTO_ATTESTATION_VERSION')" 2>/dev/null; then
  echo "installing ${sbom_judges[*]} for Python (SBOM and provenance judges)" >&2
  python3 -m pip install --quiet --disable-pip-version-check "${sbom_judges[@]}" 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${sbom_judges[@]}"
fi

if [[ "$(.tools/node-24/node_modules/.bin/node --version 2>/dev/null || true)" != "v$NODE24_VERSION" ]]; then
  echo "installing Node $NODE24_VERSION (npm package node) into .tools/node-24" >&2
  npm install --silent --no-save --prefix .tools/node-24 "node@$NODE24_VERSION" >/dev/null
fi

build_go_tools
