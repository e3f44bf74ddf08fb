// cnmd's start-up check against the real host: a missing libnftables or `ip` stops cnmd at once
// (exit 3) with a message naming the Debian package, before it serves anything, and leaves no probe
// namespace; a normal start reports what the probe found and how long it took.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PREFLIGHT_EXIT } from '../../helper/cnmd/flags.js';
import { CNMD, mustSh, sh } from './host.js';
import { isRoot, needsRoot } from '../root.js';

const ns = `t-preflight-${process.pid}`;
let dir: string;

before(() => {
  if (!isRoot) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-preflight-'));
  fs.writeFileSync(path.join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\n');
  mustSh('ip', ['netns', 'add', ns]);
  mustSh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
});

after(() => {
  if (!isRoot) return;
  sh('ip', ['netns', 'delete', ns]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** cnmd in the test's namespace, run to completion (a failing preflight) or killed by the timeout. */
const daemonArgs = (...extra: string[]) => [
  `--net=/run/netns/${ns}`,
  process.execPath,
  CNMD,
  ...[
    '--socket',
    path.join(dir, 'cnmd.sock'),
    '--state-dir',
    path.join(dir, 'state'),
    '--run-dir',
    path.join(dir, 'run'),
    '--resolv-conf',
    path.join(dir, 'resolv.conf'),
  ],
  ...extra,
];
const NSENTER = mustSh('sh', ['-c', 'command -v nsenter']).trim();

function cnmd(env: NodeJS.ProcessEnv) {
  return sh(NSENTER, daemonArgs(), { env });
}

const probeLeft = () => (fs.existsSync('/run/netns') ? fs.readdirSync('/run/netns').filter((n) => n.startsWith('cnm-probe-')) : []);

test('a missing libnftables stops cnmd at once, naming libnftables1', needsRoot, () => {
  const started = Date.now();
  const r = cnmd({ ...process.env, CNMD_LIBNFTABLES: path.join(dir, 'no-such-libnftables.so.1') });
  assert.equal(r.code, PREFLIGHT_EXIT, r.stderr);
  assert.match(
    r.stderr,
    /cnmd: cannot start:\n {2}libnftables is not installed \(.*no-such-libnftables\.so\.1\): install the Debian package libnftables1\n/,
  );
  assert.ok(!fs.existsSync(path.join(dir, 'cnmd.sock')), 'no socket was served');
  assert.ok(Date.now() - started < 10_000);
});

test('a missing ip command stops cnmd, naming iproute2', needsRoot, () => {
  // A PATH with nothing on it: cnmd itself is started by absolute paths.
  const empty = fs.mkdtempSync(path.join(dir, 'bin-'));
  const r = cnmd({ ...process.env, PATH: empty });
  assert.equal(r.code, PREFLIGHT_EXIT, r.stderr);
  assert.match(r.stderr, /the 'ip' command is missing: install the Debian package iproute2/);
});

test('a normal start probes once, logs the features and the time, leaves no probe namespace', needsRoot, async (t) => {
  const started = Date.now();
  const p = spawn(NSENTER, daemonArgs('--log-level', 'info'), { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  p.stderr!.on('data', (d) => (log += d));
  try {
    for (let i = 0; i < 200 && !/cnmd ready/.test(log) && p.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(log, /cnmd ready/, log);
    const line = log.split('\n').find((l) => l.includes('kernel features checked'))!;
    const { ms, absent } = JSON.parse(line) as { ms: number; absent: string };
    t.diagnostic(`probe ${ms} ms; cnmd ready after ${Date.now() - started} ms; absent: ${absent}`);
    assert.ok(ms > 0 && ms < 5000);
    assert.deepEqual(probeLeft(), []);
  } finally {
    p.kill('SIGTERM');
    await new Promise((r) => p.once('exit', r));
  }
});
