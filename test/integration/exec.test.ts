// exec through cnmd's API against a real cnmd: without and with a TTY (node-pty), exit codes,
// signals, resize, stdin, the sandbox's own files, a non-root member of the socket's group, and
// `cnm -H ssh://` through a real sshd (Debian's openssh-server) inside the test's namespace.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { CNM, TestHost, mustSh, sh } from './host.js';
import { SshPeer } from './sshd.js';
import { startExec, type ExecHandle } from '../../transport/exec.js';
import type { SandboxView } from '../../model/cnm.js';
import { isRoot, needsRoot } from '../root.js';
import { until } from './wait.js';

const tag = `x${process.pid}`;
const group = `cnmg${process.pid}`;
const user = `cnmu${process.pid}`;
let host: TestHost;
let ip: string;

before(async () => {
  if (!isRoot) return;
  sh('groupadd', [group]);
  sh('useradd', ['-M', '-d', '/nonexistent', '-s', '/bin/sh', '-G', group, user]);
  host = await TestHost.start('exec', { daemonArgs: ['--group', group, '--log-level', 'info'] });
  // The test dir is 0700 (mkdtemp): let the group's member reach the socket inside it.
  fs.chmodSync(host.dir, 0o711);
  host.mustCnm('network', 'create', `${tag}net`);
  host.mustCnm('sandbox', 'create', 's1', '--net', `${tag}net`, '--hostname', 'web');
  ip = (JSON.parse(host.mustCnm('sandbox', 'inspect', 's1'))[0] as SandboxView).endpoints[0]!.ipv4!.split('/')[0]!;
});
after(async () => {
  if (!isRoot) return;
  await host?.destroy();
  sh('userdel', [user]);
  sh('groupdel', [group]);
});

/** Collects an exec's output; `text()` is everything so far. */
async function run(cmd: string[], tty: boolean, stdin = false, size?: { rows: number; cols: number }) {
  let out = '';
  let err = '';
  const h = await startExec(host.socket, 's1', { cmd, tty, stdin, size }, { stdout: (d) => (out += d), stderr: (d) => (err += d) });
  return { h, out: () => out, err: () => err };
}

test('without a TTY: stdout and stderr apart, the exit code, inside the sandbox with its files', needsRoot, () => {
  const r = host.cnm('exec', 's1', '--', 'sh', '-c', 'ip -o -4 addr show dev eth0; cat /etc/hosts /etc/resolv.conf; hostname >&2; exit 3');
  assert.equal(r.code, 3);
  assert.match(r.stdout, new RegExp(`eth0\\s+inet ${ip.replace(/\./g, '\\.')}/`));
  assert.match(r.stdout, new RegExp(`^${ip.replace(/\./g, '\\.')}\\s+web`, 'm'), "the sandbox's own /etc/hosts");
  assert.match(r.stdout, /^nameserver 127\.0\.0\.11$/m, "the sandbox's resolv.conf (embedded DNS)");
  assert.equal(r.stderr.trim(), 'web', "the sandbox's hostname, as `docker exec` shows the container's");
  assert.equal(host.cnm('exec', 's1', 'true').code, 0);
  const missing = host.cnm('exec', 'nosuch', 'true');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Error response from daemon: .*nosuch/);
});

test('-i: stdin reaches the command and its EOF ends it', needsRoot, () => {
  const r = sh(process.execPath, [CNM, '-H', host.hostUrl, 'exec', '-i', 's1', '--', 'sh', '-c', 'tr a-z A-Z; exit 5'], {
    input: 'hello\n',
  });
  assert.equal(r.code, 5, r.stderr);
  assert.equal(r.stdout, 'HELLO\n');
});

test('signals: a process killed by a signal exits 128+n, and hanging up ends a TTY shell', needsRoot, async () => {
  assert.equal(host.cnm('exec', 's1', '--', 'sh', '-c', 'kill -TERM $$').code, 143);
  const { h } = await run(['sleep', '30'], false);
  const pid = await pidOf(h);
  process.kill(pid, 'SIGKILL');
  assert.equal(await h.exit, 137);
  // A TTY shell whose client goes away gets SIGHUP (what closing a terminal does).
  const t = await run(['sh'], true, true);
  const shPid = await pidOf(t.h);
  t.h.endInput();
  await until('the shell to hang up', () => !fs.existsSync(`/proc/${shPid}`));
});

async function pidOf(h: ExecHandle): Promise<number> {
  let pid = 0;
  await until('the exec pid', () => {
    const r = spawnSync('curl', ['-s', '--unix-socket', host.socket, `http://cnmd/exec/${h.id}/json`], { encoding: 'utf8' });
    pid = (JSON.parse(r.stdout || '{}') as { Pid?: number }).Pid ?? 0;
    return pid > 0;
  });
  return pid;
}

test('with a TTY: a terminal of the asked size, resize, keystrokes, the exit code', needsRoot, async () => {
  const t = await run(['sh'], true, true, { rows: 30, cols: 100 });
  t.h.write('stty size; tty\n');
  await until('the first size and the terminal', () => /30 100[^]*\/dev\/pts\/\d+/.test(t.out()));
  await t.h.resize(40, 120);
  t.h.write('stty size; exit 4\n');
  assert.equal(await t.h.exit, 4);
  assert.match(t.out(), /40 120/);
});

test('a non-root member of the socket group may exec (and is logged)', needsRoot, async () => {
  /** The real CLI as another user: `setpriv` with these credentials. */
  const as = (creds: string[], ...args: string[]) => sh('setpriv', [...creds, process.execPath, CNM, '-H', host.hostUrl, ...args]);
  const r = as(['--reuid', user, '--regid', group, '--init-groups'], 'exec', 's1', '--', 'id', '-u');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), '0', 'the command runs as cnmd (root) inside the sandbox');
  const uid = Number(mustSh('id', ['-u', user]).trim());
  // spawnSync held the event loop: the daemon's log lines are read from here on.
  await until('the exec to be logged with the caller uid', () =>
    new RegExp(`"msg":"exec created".*"callerUid":${uid},"callerPid":\\d+`).test(host.daemonLog()),
  );
  const outsider = as(['--reuid', 'nobody', '--regid', 'nogroup', '--clear-groups'], 'exec', 's1', 'true');
  assert.equal(outsider.code, 1, 'someone outside the group cannot reach the socket');
  assert.match(outsider.stderr, /Cannot connect to the cnm daemon/);
});

test('cnm -H ssh://: exec through an SSH tunnel to a real sshd', needsRoot, async (t) => {
  const sshd = ['/usr/sbin/sshd', '/usr/bin/ssh-keygen'].find((p) => !fs.existsSync(p));
  if (sshd) return t.skip(`${sshd} is missing: install openssh-server (scripts/setup.sh)`);
  const ssh = await SshPeer.start(host);
  try {
    const url = `ssh://root@127.0.0.1:${ssh.port}${host.socket}`;
    const r = ssh.cli(url, 'exec', 's1', '--', 'sh', '-c', 'ip -o -4 addr show dev eth0; exit 6');
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stdout, /eth0\s+inet /);
    const i = ssh.cli(url, 'exec', '-i', 's1', '--', 'cat');
    assert.equal(i.code, 0, i.stderr);
    const ls = ssh.cli(url, 'sandbox', 'ls');
    assert.match(ls.stdout, /\bs1\b/);
  } finally {
    ssh.stop();
  }
});
