#!/usr/bin/env bash
# Proves the README's setup on a fresh Debian 12 machine: builds a minimal bookworm root with
# mmdebstrap (git, ca-certificates and the essentials; no Rust, no lld, no registry), copies this
# machine's Node into it, carries in the package managers' settings (and nothing else), clones the
# committed repository inside it and runs the README's Setup commands verbatim in a chroot.
#
#   scripts/fresh-machine.sh [REV]     # REV defaults to HEAD (a commit: uncommitted work is not tested)
#
# Runs as root. Logs go to $FRESH_MACHINE_DIR (default /var/tmp/wasmpack-fresh.XXXXXX)/logs; the
# root is removed at the end unless FRESH_MACHINE_KEEP=1. Exits with the first failing command's
# status, after a summary: root build time, each command's wall time and exit status, and the
# tests' "N passed, N failed" line.
{ # read whole before it runs, so that editing this file meanwhile does not change a running copy
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
REV="$(git -C "$REPO" rev-parse --verify "${1:-HEAD}^{commit}")"
WORK="${FRESH_MACHINE_DIR:-$(mktemp -d /var/tmp/wasmpack-fresh.XXXXXX)}"
ROOT="$WORK/root"
LOGS="$WORK/logs"
mkdir -p "$LOGS"
say() { echo "fresh-machine: $*" >&2; }

if ! command -v mmdebstrap >/dev/null; then
  say "installing mmdebstrap"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
fi

# --- unmount everything and end what still runs in the root, on any exit -------------------------
mounted=()
cleanup() {
  local status=$?
  # Processes left in the root (a registry a test started, say) keep the mounts busy: end them by id.
  local pids=() link pid
  for link in /proc/[0-9]*/root; do
    [[ "$(readlink "$link" 2>/dev/null)" == "$ROOT" ]] || continue
    pid="${link#/proc/}"
    pids+=("${pid%/root}")
  done
  if ((${#pids[@]})); then kill -KILL "${pids[@]}" 2>/dev/null || true; sleep 1; fi
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || say "could not unmount ${mounted[i]}"
  done
  if [[ "${FRESH_MACHINE_KEEP:-0}" != 1 && -d "$ROOT" ]]; then rm -rf --one-file-system "$ROOT"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the root: the apt sources (and download settings) this machine uses ---------------------------
sources=()
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [[ -s "$file" ]] && sources+=("$file")
done
aptopts=()
for file in /etc/apt/apt.conf /etc/apt/apt.conf.d/*; do
  [[ -f "$file" ]] && grep -Eq '^[[:space:]]*Acquire::(https?|ftp|Proxy|Check-Valid-Until|Check-Date|Retries)' "$file" && aptopts+=("--aptopt=$file")
done
say "building a bookworm root in $ROOT from ${sources[*]} ${aptopts[*]}"
started=$SECONDS
mmdebstrap --quiet --variant=minbase --include=git,ca-certificates "${aptopts[@]}" \
  bookworm "$ROOT" "${sources[@]}" >"$LOGS/mmdebstrap.log" 2>&1 || {
  tail -20 "$LOGS/mmdebstrap.log" >&2
  exit 1
}
root_seconds=$((SECONDS - started))
# The root's sources are this machine's, file for file.
rm -f "$ROOT/etc/apt/sources.list" "$ROOT"/etc/apt/sources.list.d/*
for file in "${sources[@]}"; do
  if [[ "$file" == /etc/apt/sources.list ]]; then cp "$file" "$ROOT/etc/apt/sources.list"; else cp "$file" "$ROOT/etc/apt/sources.list.d/"; fi
done
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
[[ -s "$ROOT/etc/hosts" ]] || cp /etc/hosts "$ROOT/etc/hosts"

# --- Node: the binary on PATH and the npm/npx/corepack installed beside it ------------------------
node_bin="$(readlink -f "$(command -v node)")"
prefix="$(dirname "$(dirname "$node_bin")")"
carried=("node $(node --version) ($node_bin, npm $(npm --version))")
install -D -m 755 "$node_bin" "$ROOT$prefix/bin/node"
for tool in npm corepack; do
  if [[ -d "$prefix/lib/node_modules/$tool" ]]; then
    mkdir -p "$ROOT$prefix/lib/node_modules"
    cp -a "$prefix/lib/node_modules/$tool" "$ROOT$prefix/lib/node_modules/"
  fi
done
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOT$prefix/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOT$prefix/bin/npx"
[[ -d "$ROOT$prefix/lib/node_modules/corepack" ]] && ln -sf ../lib/node_modules/corepack/dist/corepack.js "$ROOT$prefix/bin/corepack"

# --- the package managers' settings, and nothing else ----------------------------------------------
carry_file() { # FILE: copied to the same path in the root
  [[ -f "$1" ]] || return 0
  install -D -m "$(stat -c %a "$1")" "$1" "$ROOT$1"
  carried+=("$1")
}
carry_file "$(npm config get userconfig)"
carry_file "$(npm config get globalconfig)"
carry_file /etc/pip.conf
carry_file /root/.config/pip/pip.conf
carry_file /root/.pip/pip.conf
carry_file "${CARGO_HOME:-/root/.cargo}/config.toml"
carry_file "${CARGO_HOME:-/root/.cargo}/config"
# CA files the package managers are told to trust. When one is the system bundle, the local CAs
# it holds come too, so that update-ca-certificates in the root (a package's trigger) keeps them.
for ca in "${NODE_EXTRA_CA_CERTS:-}" "$(npm config get cafile 2>/dev/null || true)" "${PIP_CERT:-}" "${SSL_CERT_FILE:-}"; do
  [[ -n "$ca" && "$ca" != null && "$ca" != undefined && -f "$ca" ]] || continue
  [[ " ${carried[*]} " == *" $ca "* ]] && continue
  carry_file "$ca"
  if [[ "$(readlink -f "$ca")" == /etc/ssl/certs/ca-certificates.crt ]]; then
    for local_ca in /usr/local/share/ca-certificates/*.crt; do carry_file "$local_ca"; done
  fi
done
# Environment: proxies, CA, pip and Go's proxy settings (Go itself stays out), cargo's registry.
chroot_env=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TERM=dumb)
# The root proves that the two commands install everything; test.sh there runs the suite under the
# system Node only (Node 24 is still installed), which saves CI ~3 minutes: .ci/run's own test.sh
# runs it under both. FRESH_MACHINE_TEST_NODES="system 24" runs both here too.
chroot_env+=("WASMPACK_TEST_NODES=${FRESH_MACHINE_TEST_NODES:-system}")
while IFS='=' read -r name _; do
  case "$name" in
    http_proxy | https_proxy | no_proxy | all_proxy | HTTP_PROXY | HTTPS_PROXY | NO_PROXY | ALL_PROXY | NODE_EXTRA_CA_CERTS | \
      PIP_* | npm_config_* | NPM_CONFIG_* | CARGO_REGISTRIES_* | CARGO_HTTP_* | CARGO_NET_* | SSL_CERT_FILE)
      chroot_env+=("$name=${!name}")
      carried+=("\$$name")
      ;;
  esac
done < <(env)
if command -v go >/dev/null; then
  for name in GOPROXY GOSUMDB GONOSUMDB GONOPROXY GOPRIVATE GOINSECURE; do
    value="$(go env "$name")"
    [[ -n "$value" ]] && chroot_env+=("$name=$value") && carried+=("$name=$value")
  done
fi
say "carried: ${carried[*]}"
if compgen -G "$ROOT/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  chroot "$ROOT" update-ca-certificates >/dev/null 2>&1 || say "update-ca-certificates failed in the root"
fi

# --- the repository, cloned inside the root from a bare copy of the committed history --------------
git clone --quiet --bare "$REPO" "$ROOT/tmp/wasmpack.git"
mount_in() { # what where [mount options...]
  local where="$ROOT$2"
  mkdir -p "$where"
  mount "${@:3}" "$1" "$where"
  mounted+=("$where")
}
mount_in proc /proc -t proc
mount_in sysfs /sys -t sysfs
mount_in /dev /dev --bind
mount_in /dev/pts /dev/pts --bind
mount_in /dev/shm /dev/shm --bind
in_root() { chroot "$ROOT" /usr/bin/env -i "${chroot_env[@]}" bash -c "$1"; }
in_root "git clone --quiet /tmp/wasmpack.git /root/wasmpack && git -C /root/wasmpack checkout --quiet --detach $REV" >"$LOGS/clone.log" 2>&1
say "cloned $(git -C "$REPO" log -1 --format='%h %s' "$REV") into /root/wasmpack"

# --- the README's Setup commands, verbatim ---------------------------------------------------------
mapfile -t commands < <(git -C "$REPO" show "$REV:README.md" | awk '
  /^## / { in_setup = ($0 == "## Setup") }
  in_setup && /^```/ { if (in_block) exit; in_block = 1; next }
  in_setup && in_block && NF { print }')
((${#commands[@]})) || { say "no commands found in README.md's Setup code block"; exit 1; }

summary=("root: built in ${root_seconds}s (mmdebstrap, minbase + git ca-certificates)")
status=0
n=0
for command in "${commands[@]}"; do
  n=$((n + 1))
  log="$LOGS/command-$n.log"
  say "running \`$command\` (log: $log)"
  started=$SECONDS
  in_root "cd /root/wasmpack && $command" >"$log" 2>&1 </dev/null && code=0 || code=$?
  line="\`$command\`: exit $code in $((SECONDS - started))s"
  tests="$(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 || true)"
  [[ -n "$tests" ]] && line+=" — tests: $tests"
  summary+=("$line")
  if ((code != 0)); then
    say "\`$command\` failed (exit $code); its last lines:"
    tail -15 "$log" >&2
    status=$code
    break
  fi
done

echo "== fresh-machine summary ($(git -C "$REPO" log -1 --format=%h "$REV"); logs in $LOGS)"
printf '%s\n' "${summary[@]}"
exit "$status"
}
