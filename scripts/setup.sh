#!/usr/bin/env bash
# Installs what cnm needs on a fresh Debian 12 machine (root): system packages, npm packages, the
# build, and `cnm`/`cnmd` on PATH. Idempotent and quick when everything is already there. Used by
# the README's two commands (through scripts/run-product.sh).
#   env: CNM_BIN_DIR  where the cnm and cnmd links go (default /usr/local/bin; empty: no links).
#        A cnm/cnmd there that is not a link to some checkout's dist/ is left alone (and said so);
#        a link to another checkout is repointed to this one, and that is said too.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN_DIR="${CNM_BIN_DIR-/usr/local/bin}"
# python3-docker/-pytest/-paramiko: docker-py's network tests; docker.io: Docker 20.10's CLI (test/conformance).
PKGS=(iproute2 nftables libnftables1 iputils-ping bind9-dnsutils util-linux curl etcd-server python3-docker python3-pytest python3-paramiko docker.io iperf3)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[setup] apt: ${missing[*]}"
  apt-get update -qq
  # No service starts on install (etcd-server's would take port 2379 in the host's namespace; the
  # tests start their own etcd in a namespace and stop it).
  made_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -z "$made_policy" ] || rm -f /usr/sbin/policy-rc.d
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm's own progress and summary stay visible: on a fresh clone this is the longest step.
  echo "[setup] npm ci (a fresh clone downloads ~300 packages: 1-3 min)"
  t0=$(date +%s)
  npm ci --no-audit --no-fund
  echo "[setup] npm ci done in $(( $(date +%s) - t0 ))s"
fi
echo "[setup] build"
npm run -s build

# cnmd and cnm on PATH, without silently taking over someone else's.
link() {
  local name=$1 target="$PWD/dist/$1.js" dest="$BIN_DIR/$1"
  if [ -L "$dest" ] && [ "$(readlink "$dest")" = "$target" ]; then
    return
  elif [ -L "$dest" ] && [[ "$(readlink "$dest")" == */dist/"$name".js ]]; then
    echo "[setup] repointing $dest: $(readlink "$dest") -> $target"
  elif [ -e "$dest" ] || [ -L "$dest" ]; then
    echo "[setup] leaving $dest alone (not a link to a cnm checkout); this checkout's $name is $target"
    return
  else
    echo "[setup] linking $dest -> $target"
  fi
  ln -sfn "$target" "$dest"
  local found
  found=$(command -v "$name" || true)
  [ -z "$found" ] || [ "$found" = "$dest" ] || echo "[setup] note: '$name' on PATH is $found, not $dest"
}
if [ -n "$BIN_DIR" ]; then
  link cnmd
  link cnm
fi
