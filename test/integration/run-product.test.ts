// scripts/run-product.sh stops everything it started on SIGTERM: once while its first step runs,
// once with cnmd and code-server up. Runs in a throwaway network namespace with temp dirs and no
// links on PATH (CNM_BIN_DIR empty), so the machine's own cnm, cnmd and firewall are untouched.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CNMD, mustSh, sh } from './host.js';
import { isRoot, needsRoot } from '../root.js';

const ROOT = path.resolve(__dirname, '../..');
const ns = `t-runprod-${process.pid}`;
let dir: string;

before(() => {
  if (!isRoot) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-runprod-'));
  mustSh('ip', ['netns', 'add', ns]);
  mustSh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
});

after(() => {
  if (!isRoot) return;
  // What cnmd made in the namespace and under /run/netns, /etc/netns goes through its own clean-up.
  sh('nsenter', [
    `--net=/run/netns/${ns}`,
    process.execPath,
    CNMD,
    'cleanup',
    '--stop',
    '--state-dir',
    path.join(dir, 'state'),
    '--run-dir',
    path.join(dir, 'run'),
  ]);
  sh('ip', ['netns', 'delete', ns]);
  fs.rmSync(dir, { recursive: true, force: true });
});

function start(): { proc: ChildProcess; output: () => string } {
  const env = {
    ...process.env,
    CNM_BIN_DIR: '',
    CNM_PRODUCT_DIR: path.join(dir, 'product'),
    CNM_RUN_DIR: path.join(dir, 'run'),
    STATE_DIR: path.join(dir, 'state'),
    PORT: String(20000 + (process.pid % 5000)),
  };
  // nsenter execs bash, so the child's pid is the script's.
  const proc = spawn('nsenter', [`--net=/run/netns/${ns}`, 'bash', path.join(ROOT, 'scripts/run-product.sh')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  return { proc, output: () => out };
}

/** Every live descendant of `pid` (setsid does not change parents, so the whole tree is found). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => (children.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
};

async function waitFor(output: () => string, text: string, proc: ChildProcess, seconds: number): Promise<void> {
  for (let i = 0; i < seconds * 10 && !output().includes(text) && proc.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(output().includes(text), `no "${text}" in:\n${output()}`);
}

async function terminate(proc: ChildProcess): Promise<{ code: number | null; ms: number; left: number[] }> {
  const tree = descendants(proc.pid!);
  assert.ok(tree.length > 0, 'the script has children to stop');
  const started = Date.now();
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  proc.kill('SIGTERM');
  const code = await exited;
  const ms = Date.now() - started;
  await new Promise((r) => setTimeout(r, 300));
  return { code, ms, left: tree.filter(alive) };
}

test('SIGTERM during a step stops the step and exits at once', needsRoot, async () => {
  const { proc, output } = start();
  await waitFor(output, '[run-product] 1. setup', proc, 30);
  await new Promise((r) => setTimeout(r, 500));
  const { code, ms, left } = await terminate(proc);
  assert.equal(code, 130, output());
  assert.ok(ms < 10_000, `took ${ms} ms`);
  assert.deepEqual(left, [], `still running: ${left.map((p) => sh('ps', ['-o', 'args=', '-p', String(p)]).stdout.trim()).join('; ')}`);
  assert.match(output(), /\[run-product\] stopping/);
});

test('SIGTERM with the product up stops cnmd and code-server', { ...needsRoot, timeout: 600_000 }, async (t) => {
  if (!fs.existsSync('/opt/vscode-host/node_modules/.bin/code-server') && !process.env.VSCODE_HOST_PREFIX) {
    return t.skip('code-server is not installed (test/e2e/install-host.sh installs it; the e2e suite does)');
  }
  const { proc, output } = start();
  await waitFor(output, 'Open http://127.0.0.1:', proc, 540);
  assert.match(output(), /\[run-product\] 1\. setup: packages, npm ci, build: done in \d+s/);
  assert.match(output(), /\[run-product\] cnmd ready/);
  const { code, left } = await terminate(proc);
  assert.equal(code, 130);
  assert.deepEqual(left, [], `still running: ${left.map((p) => sh('ps', ['-o', 'args=', '-p', String(p)]).stdout.trim()).join('; ')}`);
  assert.ok(
    !fs.existsSync(path.join(dir, 'run', 'cnmd.sock')) ||
      sh('curl', ['-fsS', '--unix-socket', path.join(dir, 'run', 'cnmd.sock'), 'http://cnmd/_ping']).code !== 0,
    'cnmd no longer answers',
  );
});
