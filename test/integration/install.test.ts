// `cnm install` / `cleanup` / `uninstall` end to end, in a throwaway network namespace with temp
// unit, state and run dirs and a group of the test's own. There is no systemd on the test machine,
// so install starts cnmd itself (detached); the same code writes the unit and, with systemd, would
// hand it to systemctl. Every kernel object is checked with ip(8) and nft(8), not through cnm.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { DockerInfo } from '../../model/docker.js';
import { netnsPrefixFor } from '../../helper/cnmd/ownership.js';
import { CNM, mustSh, sh } from './host.js';
import { isRoot, needsRoot } from '../root.js';

const ns = `t-install-${process.pid}`;
const group = `cnmt${process.pid}`;
let dir: string;
let paths: { unit: string; state: string; run: string; socket: string };
let prefix = '';
const pids: number[] = [];

const NSENTER = mustSh('sh', ['-c', 'command -v nsenter']).trim();
const dirFlags = () => ['--unit-dir', path.dirname(paths.unit), '--state-dir', paths.state, '--run-dir', paths.run];
const pathFlags = () => [...dirFlags(), '--group', group];
/** The real CLI inside the test's namespace (as a root shell on that "host" would run it). */
const cnmIn = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  sh(NSENTER, [`--net=/run/netns/${ns}`, process.execPath, CNM, ...args], { env });
const cnm = (...args: string[]) => sh(process.execPath, [CNM, '-H', `unix://${paths.socket}`, ...args]);
/** Running, not a zombie: the detached cnmd's parent is PID 1, which may never reap it. */
const alive = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
};
const links = () =>
  mustSh('ip', ['-n', ns, '-o', 'link', 'show'])
    .trim()
    .split('\n')
    .map((l) => l.split(': ')[1]!.split('@')[0]!);
const ourNetns = () => (fs.existsSync('/run/netns') ? fs.readdirSync('/run/netns').filter((n) => prefix && n.startsWith(prefix)) : []);
const nftTables = () => mustSh('ip', ['netns', 'exec', ns, 'nft', 'list', 'tables']).trim();

function getInfo(): Promise<DockerInfo> {
  return new Promise((resolve, reject) => {
    http
      // No keep-alive: a pooled connection would outlive the cnmd it went to.
      .get({ socketPath: paths.socket, path: '/v1.41/info', agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(JSON.parse(body) as DockerInfo));
      })
      .on('error', reject);
  });
}

function install(): number {
  const r = cnmIn(process.env, 'install', ...pathFlags());
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /started cnmd directly \(pid \d+, log /);
  const pid = Number(/pid (\d+)/.exec(r.stdout)![1]);
  pids.push(pid);
  return pid;
}

before(() => {
  if (!isRoot) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-install-'));
  paths = {
    unit: path.join(dir, 'units', 'cnmd.service'),
    state: path.join(dir, 'state'),
    run: path.join(dir, 'run'),
    socket: path.join(dir, 'run', 'cnmd.sock'),
  };
  mustSh('ip', ['netns', 'add', ns]);
  mustSh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
});

after(() => {
  if (!isRoot) return;
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (const n of ourNetns()) sh('ip', ['netns', 'delete', n]);
  for (const n of prefix && fs.existsSync('/etc/netns') ? fs.readdirSync('/etc/netns') : []) {
    if (n.startsWith(prefix)) fs.rmSync(path.join('/etc/netns', n), { recursive: true, force: true });
  }
  sh('ip', ['netns', 'delete', ns]);
  if (sh('getent', ['group', group]).code === 0) sh('groupdel', [group]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('install writes the unit, creates the group and starts cnmd; GET /info reports drivers and kernel', needsRoot, async () => {
  const pid = install();
  const unit = fs.readFileSync(paths.unit, 'utf8');
  assert.match(unit, new RegExp(`^# cnm-install: created-group=${group}$`, 'm'));
  const execStart = unit.split('\n').find((l) => l.startsWith('ExecStart='))!;
  assert.equal(
    execStart,
    `ExecStart=${process.execPath} ${path.join(path.dirname(CNM), 'cnmd.js')} --socket ${paths.socket} --state-dir ${paths.state} --run-dir ${paths.run} --group ${group}`,
  );
  assert.doesNotMatch(unit, /^(PrivateMounts|PrivateTmp|ProtectSystem|PrivateNetwork)=/m);
  assert.equal(sh('getent', ['group', group]).code, 0, 'group created');

  const st = fs.statSync(paths.socket);
  assert.equal(st.mode & 0o777, 0o660);
  assert.equal(st.gid, Number(mustSh('getent', ['group', group]).split(':')[2]));
  assert.ok(alive(pid));
  assert.ok(fs.existsSync(path.join(paths.run, 'cnmd.log')));

  const info = await getInfo();
  assert.deepEqual(info.Plugins.Network, info.Cnm?.drivers);
  assert.ok(info.Plugins.Network.includes('bridge'));
  const kernel = info.Cnm!.kernel;
  assert.equal(kernel.bridge && kernel.veth && kernel.nftables, true);
  for (const v of Object.values(kernel)) assert.equal(typeof v, 'boolean');

  // Installing again leaves the running cnmd and keeps the record of the group it created.
  const again = cnmIn(process.env, 'install', ...pathFlags());
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already answers/);
  assert.match(fs.readFileSync(paths.unit, 'utf8'), new RegExp(`created-group=${group}`));
});

test('cleanup asks first, refuses without a terminal, then removes every kernel object and file', needsRoot, () => {
  assert.equal(cnm('network', 'create', '--subnet', '10.231.0.0/24', 'inst-net').code, 0);
  const sb = cnm('sandbox', 'create', '--net', 'inst-net', 'inst-sb');
  assert.equal(sb.code, 0, sb.stderr);
  prefix = netnsPrefixFor(paths.state);
  assert.equal(ourNetns().length, 1);
  assert.ok(
    links().some((l) => l.startsWith('br-')),
    links().join(' '),
  );
  assert.match(nftTables(), /table inet cnm/);
  assert.ok(fs.existsSync(`/etc/netns/${ourNetns()[0]}`));

  // Only the unit dir: cleanup finds the other paths in the installed unit.
  const refused = cnmIn(process.env, 'cleanup', '--unit-dir', path.dirname(paths.unit));
  assert.equal(refused.code, 1);
  assert.match(refused.stdout, /This will remove:\n {2}- network namespace \/run\/netns\/cnm-/);
  assert.match(refused.stdout, /- link br-[0-9a-f]{12} \(bridge, alias cnm:/);
  assert.match(refused.stdout, /- nftables table inet cnm/);
  assert.match(refused.stderr, /pass -y\/--yes/);
  assert.equal(cnm('network', 'inspect', 'inst-net').code, 0, 'nothing removed without confirmation');

  // On a terminal (script(1) gives it one) it asks, and "n" keeps everything.
  const cmd = [NSENTER, `--net=/run/netns/${ns}`, process.execPath, CNM, 'cleanup', ...dirFlags()].join(' ');
  const declined = sh('script', ['-qec', cmd, '/dev/null'], { input: 'n\n' });
  assert.equal(declined.code, 0, declined.stdout);
  assert.match(declined.stdout, /- nftables table inet cnm\r?\n.*Are you sure you want to continue\? \[y\/N\] /s);
  assert.doesNotMatch(declined.stdout, /removed/);
  assert.equal(cnm('network', 'inspect', 'inst-net').code, 0, 'nothing removed after "n"');

  const pid = pids.at(-1)!;
  const r = cnmIn(process.env, 'cleanup', '--yes', ...dirFlags());
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /removed nftables table inet cnm/);
  assert.ok(!alive(pid), 'cnmd stopped');
  assert.deepEqual(links(), ['lo']);
  assert.deepEqual(ourNetns(), []);
  assert.equal(nftTables(), '');
  assert.ok(!fs.readdirSync('/etc/netns').some((n) => n.startsWith(prefix)));
  assert.ok(!fs.existsSync(paths.state) && !fs.existsSync(paths.run));
  assert.ok(fs.existsSync(paths.unit), 'cleanup keeps the unit');

  const nothing = cnmIn(process.env, 'cleanup', ...dirFlags());
  assert.equal(nothing.stdout, 'Nothing to remove.\n');
});

test('uninstall after a new install removes the unit and the group, and stops cnmd', needsRoot, async () => {
  const pid = install();
  assert.ok((await getInfo()).Cnm);
  const r = cnmIn(process.env, 'uninstall', '-y', '--unit-dir', path.dirname(paths.unit));
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, new RegExp(`- systemd unit ${paths.unit}\n {2}- group ${group} \\(created by cnm install\\)`));
  assert.ok(!alive(pid), 'cnmd stopped');
  assert.ok(!fs.existsSync(paths.unit));
  assert.notEqual(sh('getent', ['group', group]).code, 0, 'group removed');
  assert.ok(!fs.existsSync(paths.socket));
  assert.deepEqual(links(), ['lo']);
  assert.equal(nftTables(), '');
});

test('install reports a cnmd that fails its start-up check, with the package to install', needsRoot, () => {
  const r = cnmIn({ ...process.env, CNMD_LIBNFTABLES: path.join(dir, 'missing.so') }, 'install', ...pathFlags());
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cnmd exited with status 3 at start:[\s\S]*install the Debian package libnftables1/);
  assert.match(r.stderr, /Undone: what cnmd made .*; .*cnmd\.service; group /);
  // Nothing of this install is left.
  assert.ok(!fs.existsSync(paths.unit));
  assert.ok(!fs.existsSync(paths.state) && !fs.existsSync(paths.run));
  assert.notEqual(sh('getent', ['group', group]).code, 0);
});

test('install, uninstall and cleanup refuse to run without root, saying how', needsRoot, (t) => {
  for (const verb of ['install', 'uninstall', 'cleanup']) {
    const r = sh('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CNM, verb, ...dirFlags()]);
    if (/Permission denied|EACCES/.test(r.stderr)) return t.skip(`user nobody cannot read ${CNM}`);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error: cnm ${verb} must run as root (try: sudo cnm ${verb})\n`);
  }
  assert.ok(!fs.existsSync(paths.unit));
});
