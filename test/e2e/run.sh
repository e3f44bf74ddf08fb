#!/usr/bin/env bash
# The e2e suite in a real VS Code (code-server + headless Chromium), against a real cnmd in test
# namespaces: installs the host if needed, builds and packages the extension, runs the
# extension-host tests and the UI scenario. Screenshots: test-results/e2e/. Last line: N passed, N failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
eval "$(bash test/e2e/install-host.sh | tail -1)" || { echo "0 passed, 1 failed"; exit 1; }
export CS_BIN NODE24 PW
npm run --silent package >/dev/null 2>&1 || { echo "npm run package failed"; echo "0 passed, 1 failed"; exit 1; }
pass=0; fail=0
for t in ext-tests ui; do
  out=$(mktemp)
  node --import tsx "test/e2e/$t.ts" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
  p=$(echo "$line" | awk '{print $1}'); f=$(echo "$line" | awk '{print $3}')
  p=${p:-0}; f=${f:-0}
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  pass=$((pass + p)); fail=$((fail + f))
  rm -f "$out"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
