#!/usr/bin/env bash
# The e2e suite in a real VS Code (code-server + headless Chromium), against a real cnmd in test
# namespaces: installs the host if needed, builds and packages the extension, runs the
# extension-host tests and the UI scenario. Screenshots: test-results/e2e/.
# Two runs on one machine do not collide: each suite gets ports that are free when it starts (PORT
# for ext-tests, which also uses PORT+2 for its second scenario; PORT for cluster; UI_PORT for ui), and whatever goes
# to the temp dir (code-server's and Chromium's sockets and profiles) lands in one folder of this
# run, removed at the end. Last line: N passed, N failed, N skipped.
# `bash test/e2e/run.sh ui diagnose` runs only the suites named.
set -uo pipefail
cd "$(dirname "$0")/../.."
run_tmp=$(mktemp -d /tmp/cnm-e2e.XXXXXX)
trap 'rm -rf "$run_tmp"' EXIT
trap 'exit 130' INT TERM
export TMPDIR=$run_tmp XDG_RUNTIME_DIR=$run_tmp
# A port P such that P, P+2 and P+4 are free now: the kernel answers a bind to port 0 with a port
# nobody holds, drawn at random from the ephemeral range (so never one of the suites' defaults).
free_port() {
  node -e '
    const net = require("net");
    const hold = (p) => new Promise((ok) => { const s = net.createServer(); s.once("error", () => ok(null)); s.listen(p, "127.0.0.1", () => ok(s)); });
    (async () => {
      for (let n = 0; n < 20; n++) {
        const all = [await hold(0)];
        const p = all[0].address().port;
        for (const d of [2, 4]) all.push(p + d < 65536 ? await hold(p + d) : null);
        all.forEach((s) => s?.close());
        if (all.every(Boolean)) return console.log(p);
      }
      process.exit(1);
    })();'
}
eval "$(bash test/e2e/install-host.sh | tail -1)" || { echo "0 passed, 1 failed"; exit 1; }
export CS_BIN NODE24 PW
npm run --silent package >/dev/null 2>&1 || { echo "npm run package failed"; echo "0 passed, 1 failed"; exit 1; }
pass=0; fail=0; skip=0
suites=("$@")
[ $# -gt 0 ] || suites=(ext-tests cluster ui diagnose)
for t in "${suites[@]}"; do
  out=$(mktemp)
  port=$(free_port)
  PORT=$port UI_PORT=$port node --import tsx "test/e2e/$t.ts" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  read -r p f s < <(bash scripts/count-tests.sh "$rc" < "$out")
  pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
  rm -f "$out"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
