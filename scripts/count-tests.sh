#!/usr/bin/env bash
# Counts one suite's results for scripts/test.sh: the suite's output on stdin, its exit status as $1;
# prints `PASSED FAILED SKIPPED`. Every test that did not pass is a failure: node's test runner
# reports cancelled tests (timed out, or cut short by a crash) apart from failed ones, and both
# count as failed; todo tests count as skipped. Suites of our own print `N passed, N failed[, N
# skipped]`. A suite that exits non-zero with no failure counted (it crashed before reporting) is
# one failure.
set -euo pipefail
rc=${1:?usage: count-tests.sh EXIT_STATUS < OUTPUT}
LC_ALL=C awk -v rc="$rc" '
  /^ℹ (pass|fail|cancelled|skipped|todo) [0-9]+$/ { node = 1; n[$2] = $3 }
  /^[0-9]+ passed, [0-9]+ failed/ { own = 1; op = $1; of = $3; os = ($6 ~ /^skipped/ ? $5 : 0) }
  END {
    if (node) { p = n["pass"]; f = n["fail"] + n["cancelled"]; s = n["skipped"] + n["todo"] }
    else if (own) { p = op; f = of; s = os }
    p += 0; f += 0; s += 0
    if (rc != 0 && f == 0) f = 1
    print p, f, s
  }'
