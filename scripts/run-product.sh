#!/usr/bin/env bash
# The whole product on this machine: cnmd on its embedded store (unless a daemon already answers
# on the socket), the extension packaged as a .vsix and installed into a real VS Code (code-server,
# bound to 127.0.0.1), connected to that socket. Prints each step with its time, then the URL to
# open. Ctrl-C or SIGTERM stops everything it started (cnmd, code-server, a step still running).
#
# Variables it reads (all optional):
#   CNM_PRODUCT_DIR     code-server's data, settings, workspace and the logs
#                       (default ~/.local/share/cnm-product)
#   CNM_RUN_DIR         cnmd's run dir (default /run/cnmd)
#   CNM_SOCKET          cnmd's API socket (default $CNM_RUN_DIR/cnmd.sock)
#   STATE_DIR           cnmd's state dir (default /var/lib/cnmd)
#   PORT                code-server's port on 127.0.0.1 (default 8080)
#   CNM_BIN_DIR         where scripts/setup.sh links cnm and cnmd (default /usr/local/bin; empty: none)
#   VSCODE_HOST_PREFIX  where test/e2e/install-host.sh puts code-server (default /opt/vscode-host)
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_DIR="${CNM_RUN_DIR:-/run/cnmd}"
SOCK="${CNM_SOCKET:-$RUN_DIR/cnmd.sock}"
STATE="${STATE_DIR:-/var/lib/cnmd}"
PORT="${PORT:-8080}"
DATA="${CNM_PRODUCT_DIR:-$HOME/.local/share/cnm-product}"
mkdir -p "$DATA"
answers() { curl -fsS --max-time 2 --unix-socket "$SOCK" http://cnmd/_ping >/dev/null 2>&1; }

# Everything started runs in a session of its own (setsid), so stopping kills its whole group.
pids=()
stop_all() {
  local p
  for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$p" 2>/dev/null || true
  done
}
trap stop_all EXIT
trap 'echo; echo "[run-product] stopping"; exit 130' INT TERM

# One step: a line before, the step's own output, a line after with its time. Run in the background
# and waited for, so a signal is handled at once rather than when the step ends.
n=0
step() {
  local name=$1 t0 p
  shift
  n=$((n + 1))
  echo "[run-product] $n. $name"
  t0=$(date +%s)
  setsid "$@" &
  p=$!
  pids+=("$p")
  wait "$p"
  unset 'pids[-1]'
  echo "[run-product] $n. $name: done in $(( $(date +%s) - t0 ))s"
}

step "setup: packages, npm ci, build" bash scripts/setup.sh
step "VS Code host (code-server)" bash -c 'bash test/e2e/install-host.sh | tail -1 >"$0"' "$DATA.host.env"
# shellcheck disable=SC1090
source "$DATA.host.env"
step "package the extension (vsce's file list: $DATA.package.log)" bash -c 'npm run --silent package >"$0"' "$DATA.package.log"
echo "[run-product] packaged dist/cnm.vsix ($(du -h dist/cnm.vsix | cut -f1))"

if answers; then
  echo "[run-product] a daemon already answers on $SOCK; using it (not started here, so not stopped here)"
else
  echo "[run-product] starting cnmd on $SOCK (state $STATE, log $DATA.cnmd.log)"
  mkdir -p "$RUN_DIR" "$STATE"
  setsid node dist/cnmd.js --socket "$SOCK" --state-dir "$STATE" --run-dir "$RUN_DIR" >"$DATA.cnmd.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 200); do answers && break; kill -0 "${pids[-1]}" 2>/dev/null || break; sleep 0.1; done
  answers || { echo "[run-product] cnmd did not start:" >&2; tail -5 "$DATA.cnmd.log" >&2; exit 1; }
  echo "[run-product] cnmd ready"
fi

mkdir -p "$DATA/ext" "$DATA/data/User" "$DATA/workspace"
[ -f "$DATA/data/User/settings.json" ] || cat >"$DATA/data/User/settings.json" <<JSON
{ "workbench.startupEditor": "none", "telemetry.telemetryLevel": "off", "extensions.autoCheckUpdates": false,
  "chat.disableAIFeatures": true, "workbench.secondarySideBar.defaultVisibility": "hidden" }
JSON
CS=(env PATH="$NODE24:$PATH" "$CS_BIN" --config "$DATA/config.yaml" --user-data-dir "$DATA/data" --extensions-dir "$DATA/ext")
step "install the extension into code-server" "${CS[@]}" --install-extension dist/cnm.vsix --force
echo "[run-product] starting code-server on 127.0.0.1:$PORT (log $DATA/code-server.log)"
CNM_HOST="unix://$SOCK" setsid "${CS[@]}" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override "$DATA/workspace" >"$DATA/code-server.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do grep -q 'HTTP server listening' "$DATA/code-server.log" && break; sleep 0.1; done
grep -q 'HTTP server listening' "$DATA/code-server.log" || { cat "$DATA/code-server.log" >&2; exit 1; }
echo
echo "Open http://127.0.0.1:$PORT/  (Container Networks is in the activity bar; Ctrl-C stops)"
wait
