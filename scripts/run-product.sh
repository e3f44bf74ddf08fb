#!/usr/bin/env bash
# The whole product on this machine: cnmd on its embedded store (unless a daemon already answers
# on the socket), the extension packaged as a .vsix and installed into a real VS Code (code-server,
# bound to 127.0.0.1), connected to that socket. Prints the URL to open. Ctrl-C stops what it started.
#   env: CNM_SOCKET (default /run/cnmd/cnmd.sock), PORT (default 8080), STATE_DIR (default /var/lib/cnmd)
set -euo pipefail
cd "$(dirname "$0")/.."
SOCK="${CNM_SOCKET:-/run/cnmd/cnmd.sock}"
PORT="${PORT:-8080}"
DATA="${CNM_PRODUCT_DIR:-$HOME/.local/share/cnm-product}"
answers() { curl -fsS --max-time 2 --unix-socket "$SOCK" http://cnmd/_ping >/dev/null 2>&1; }

bash scripts/setup.sh
eval "$(bash test/e2e/install-host.sh | tail -1)"
npm run --silent package >/dev/null
echo "packaged dist/cnm.vsix ($(du -h dist/cnm.vsix | cut -f1))"

pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

if answers; then
  echo "a daemon already answers on $SOCK; using it"
else
  mkdir -p "$(dirname "$SOCK")" "${STATE_DIR:-/var/lib/cnmd}"
  setsid node dist/cnmd.js --socket "$SOCK" --state-dir "${STATE_DIR:-/var/lib/cnmd}" >"$DATA.cnmd.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do answers && break; sleep 0.1; done
  answers || { echo "cnmd did not start; see $DATA.cnmd.log" >&2; exit 1; }
  echo "cnmd started on $SOCK (log: $DATA.cnmd.log)"
fi

mkdir -p "$DATA/ext" "$DATA/data/User" "$DATA/workspace"
[ -f "$DATA/data/User/settings.json" ] || cat >"$DATA/data/User/settings.json" <<JSON
{ "workbench.startupEditor": "none", "telemetry.telemetryLevel": "off", "extensions.autoCheckUpdates": false,
  "chat.disableAIFeatures": true, "workbench.secondarySideBar.defaultVisibility": "hidden" }
JSON
CS=(env PATH="$NODE24:$PATH" "$CS_BIN" --config "$DATA/config.yaml" --user-data-dir "$DATA/data" --extensions-dir "$DATA/ext")
"${CS[@]}" --install-extension dist/cnm.vsix --force >/dev/null
CNM_HOST="unix://$SOCK" setsid "${CS[@]}" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override "$DATA/workspace" >"$DATA/code-server.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do grep -q 'HTTP server listening' "$DATA/code-server.log" && break; sleep 0.1; done
grep -q 'HTTP server listening' "$DATA/code-server.log" || { cat "$DATA/code-server.log" >&2; exit 1; }
echo
echo "Open http://127.0.0.1:$PORT/  (Container Networks is in the activity bar; Ctrl-C stops)"
wait
