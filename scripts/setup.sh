#!/usr/bin/env bash
# Installs what cnm needs on a fresh Debian 12 machine (root): system packages, npm packages, the
# build. Idempotent and quick when everything is already there. Used by the README's two commands.
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS=(iproute2 nftables libnftables1 iputils-ping bind9-dnsutils util-linux curl)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[setup] apt: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] npm ci"
  npm ci --no-audit --no-fund >/dev/null
fi
echo "[setup] build"
npm run -s build
# cnmd and cnm on PATH
ln -sf "$PWD/dist/cnmd.js" /usr/local/bin/cnmd
ln -sf "$PWD/dist/cnm.js" /usr/local/bin/cnm
