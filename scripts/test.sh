#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine (root): installs what it needs, then runs
# unit tests, integration tests (real kernel, throwaway namespaces, real etcd/dig/docker CLI) and
# the end-to-end tests in a real VS Code. Prints one closing `N passed, N failed, N skipped` line;
# every test that did not pass counts as failed (scripts/count-tests.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
npx tsc -p . --noEmit || { echo "typecheck failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
# Lint guards the layers (eslint.config.mjs: imports per folder, floating promises) and the format.
npm run -s lint || { echo "lint failed (npm run lint; npm run format fixes formatting)"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

total_pass=0; total_fail=0; total_skip=0
run_suite() { # name, command...
  local name=$1; shift
  echo "== $name"
  local out; out=$(mktemp)
  "$@" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]} p f s
  read -r p f s < <(bash scripts/count-tests.sh "$rc" < "$out")
  [ "$rc" -eq 0 ] || echo "[$name] exited $rc"
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f)); total_skip=$((total_skip + s))
  rm -f "$out"
}

run_suite unit npm run -s test:unit
run_suite integration npm run -s test:integration
# Docker's own clients against a throwaway cnmd: docker-py's network tests, the docker CLI's transcript.
run_suite conformance npm run -s test:conformance
if [ "${CNM_SKIP_E2E:-}" != 1 ] && [ -f test/e2e/run.sh ]; then
  run_suite e2e bash test/e2e/run.sh
fi

echo
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
