// scripts/count-tests.sh, fed what node's test runner and our own suites print.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const count = (output: string, rc: number): string =>
  execFileSync('bash', [path.join(__dirname, 'count-tests.sh'), String(rc)], { input: output, encoding: 'utf8' }).trim();

const nodeSummary = (n: Record<string, number>): string =>
  ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo'].map((k) => `ℹ ${k} ${n[k] ?? 0}\n`).join('') + 'ℹ duration_ms 12.5\n';

test('node runner: cancelled (timed out, cut short) count as failed, todo as skipped', () => {
  assert.equal(count(nodeSummary({ tests: 8, pass: 1, fail: 2, cancelled: 2, skipped: 1, todo: 2 }), 1), '1 4 3');
  assert.equal(count(nodeSummary({ tests: 43, pass: 0, cancelled: 43 }), 1), '0 43 0');
});

test('only the last summary counts (a nested run prints its own earlier)', () => {
  assert.equal(count(nodeSummary({ pass: 9, fail: 9 }) + 'more output\n' + nodeSummary({ pass: 3 }), 0), '3 0 0');
});

test('our own suites: `N passed, N failed[, N skipped]`', () => {
  assert.equal(count('[e2e 1.0s] ok - x\n5 passed, 0 failed\n', 0), '5 0 0');
  assert.equal(count('2 passed, 1 failed, 4 skipped\n', 1), '2 1 4');
});

test('a non-zero exit with no failure counted is one failure', () => {
  assert.equal(count('Error: Cannot find module\n', 1), '0 1 0');
  assert.equal(count(nodeSummary({ pass: 7 }), 1), '7 1 0');
  assert.equal(count('', 0), '0 0 0');
});
