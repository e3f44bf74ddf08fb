// The fail point registry matches the code (each name placed exactly once), and an armed fail
// point kills the process by SIGKILL on the hit it names, not before.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FAILPOINTS, FAILPOINT_ENV } from './failpoints.js';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

test('every registered fail point is placed exactly once, and every placed one is registered', () => {
  const text = sources(__dirname)
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
  const placed = [...text.matchAll(/failpoint\('([^']+)'\)/g)].map((m) => m[1]);
  for (const name of Object.keys(FAILPOINTS)) assert.equal(placed.filter((p) => p === name).length, 1, name);
  for (const name of placed) assert.ok(name in FAILPOINTS, `${name} is not in FAILPOINTS`);
});

function runWith(spec: string): { signal: string | null; stdout: string } {
  const code = `const { failpoint } = require(${JSON.stringify(path.join(__dirname, 'failpoints.ts'))});
    for (let i = 1; i <= 3; i++) {
      try { failpoint('connect:veth'); console.log('passed', i); } catch (e) { console.log('threw', i, e.message); }
    }`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    env: { ...process.env, [FAILPOINT_ENV]: spec },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { signal: r.signal, stdout: r.stdout };
}

test('an armed fail point dies by SIGKILL on its Nth hit; unarmed or unknown ones do nothing', () => {
  assert.deepEqual(runWith('connect:veth'), { signal: 'SIGKILL', stdout: '' });
  assert.deepEqual(runWith('connect:veth@2'), { signal: 'SIGKILL', stdout: 'passed 1\n' });
  assert.deepEqual(runWith('connect:plumbed,no-such-point'), { signal: null, stdout: 'passed 1\npassed 2\npassed 3\n' });
});

test('a fail point armed with =throw fails the operation once on its Nth hit instead of dying', () => {
  const threw = 'threw 2 fail point connect:veth (veth pair made (host end on the bridge), peer down without addresses)';
  assert.deepEqual(runWith('connect:veth@2=throw'), { signal: null, stdout: `passed 1\n${threw}\npassed 3\n` });
});
