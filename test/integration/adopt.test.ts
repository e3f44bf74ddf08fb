// Adopting namespaces cnm did not make: one from `ip netns add`, one held by an `unshare` process,
// and a Docker container's (real dockerd 20.10 in the test host's namespace). Connect and
// disconnect as usual; `sandbox rm` detaches and leaves the namespace; an ended namespace (process
// exited, `ip netns del`, container stopped) is noticed and its sandbox removed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { TestHost, execIn, mustSh, sh } from './host.js';
import type { SandboxView } from '../../model/cnm.js';
import { isRoot, needsRoot } from '../root.js';
import { until } from './wait.js';

const PEERS = path.resolve(__dirname, '../../bench/peers');
const foreign = `cnmad${process.pid}`;
const dockerLink = `/run/cnmad${process.pid}-docker.sock`;
let host: TestHost;
let holder: ChildProcess | undefined;

before(async () => {
  if (!isRoot) return;
  host = await TestHost.start('adopt', { daemonArgs: ['--docker-host', dockerLink] });
  host.mustCnm('network', 'create', '--subnet', '10.197.3.0/24', 'anet');
  host.mustCnm('network', 'create', '--subnet', '10.197.4.0/24', 'bnet');
  host.mustCnm('sandbox', 'create', 'own', '--net', 'anet');
});
after(async () => {
  if (!isRoot) return;
  holder?.kill('SIGKILL');
  sh('ip', ['netns', 'delete', foreign]);
  if (fs.existsSync(dockerLink)) sh('bash', [path.join(PEERS, 'docker-down.sh'), host.ns, '--purge']);
  fs.rmSync(dockerLink, { force: true });
  await host?.destroy();
});

const view = (name: string) => JSON.parse(host.mustCnm('sandbox', 'inspect', name))[0] as SandboxView;

test('an `ip netns add` namespace: adopted, connected, detached by rm, and noticed when deleted', needsRoot, async () => {
  mustSh('ip', ['netns', 'add', foreign]);
  host.mustCnm('sandbox', 'create', 'fa', '--netns', `/run/netns/${foreign}`, '--net', 'anet');
  const ip = view('fa').endpoints[0]!.ipv4!.split('/')[0]!;
  assert.match(mustSh('ip', ['-n', foreign, '-o', '-4', 'addr']), new RegExp(`eth0\\s+inet ${ip.replace(/\./g, '\\.')}/`));
  assert.equal(execIn(host, 'own', 'ping', '-c1', '-W2', ip).code, 0, "cnm's own sandbox reaches the adopted one");
  host.mustCnm('network', 'connect', 'bnet', 'fa');
  assert.match(mustSh('ip', ['-n', foreign, '-o', 'link']), /eth1/);
  host.mustCnm('network', 'disconnect', 'bnet', 'fa');
  // Adopting it twice, or cnmd's own namespace, is refused with a clear error.
  assert.match(host.cnm('sandbox', 'create', 'again', '--netns', `/run/netns/${foreign}`).stderr, /already sandbox fa/);
  assert.match(host.cnm('sandbox', 'create', 'me', '--netns', `/run/netns/${host.ns}`).stderr, /cnmd's own network namespace/);
  assert.match(host.cnm('sandbox', 'create', 'nope', '--netns', '/etc/hostname').stderr, /is not a network namespace/);
  host.mustCnm('sandbox', 'rm', 'fa');
  assert.ok(fs.existsSync(`/run/netns/${foreign}`), 'rm never deletes an adopted namespace');
  assert.doesNotMatch(mustSh('ip', ['-n', foreign, '-o', 'link']), /eth0/, "cnm's endpoint is detached");
  // Adopted again, then deleted behind cnm's back: the sandbox goes by itself.
  host.mustCnm('sandbox', 'create', 'fa2', '--netns', `/run/netns/${foreign}`, '--net', 'anet');
  mustSh('ip', ['netns', 'delete', foreign]);
  await until('the sandbox of a deleted namespace to go', () => host.cnm('sandbox', 'inspect', 'fa2').code !== 0);
  assert.equal(
    Object.keys(JSON.parse(host.mustCnm('network', 'inspect', 'anet'))[0].Containers).length,
    1,
    "only cnm's own sandbox is left",
  );
});

test("an `unshare` process's namespace: adopted by /proc/PID/ns/net, removed when the process exits", needsRoot, async () => {
  // ip netns exec and unshare each exec the next: the child's pid ends up being sleep's.
  holder = spawn('ip', ['netns', 'exec', host.ns, 'unshare', '--net', 'sleep', '120'], { stdio: 'ignore' });
  const pid = holder.pid!;
  await until('the unshared process', () => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep'));
  const src = `/proc/${pid}/ns/net`;
  host.mustCnm('sandbox', 'create', 'un', '--netns', src, '--net', 'anet');
  const ip = view('un').endpoints[0]!.ipv4!.split('/')[0]!;
  assert.match(mustSh('nsenter', [`--net=${src}`, 'ip', '-o', '-4', 'addr']), new RegExp(`inet ${ip.replace(/\./g, '\\.')}/`));
  assert.equal(execIn(host, 'un', 'ping', '-c1', '-W2', view('own').endpoints[0]!.ipv4!.split('/')[0]!).code, 0, 'cnm exec works in it');
  const hostLink = view('un').endpoints[0]!.hostIfname!;
  process.kill(pid, 'SIGKILL');
  await until('the sandbox of an ended process to go', () => host.cnm('sandbox', 'inspect', 'un').code !== 0);
  assert.doesNotMatch(host.inHost('ip', '-o', 'link').stdout, new RegExp(hostLink), 'its veth is gone');
});

test("a Docker container's namespace: adopted by --container, removed when the container stops", needsRoot, async (t) => {
  if (!fs.existsSync('/usr/sbin/dockerd')) return t.skip('dockerd is missing: apt-get install docker.io');
  const up = sh('bash', [path.join(PEERS, 'docker-up.sh'), host.ns, '--bridge', 'none', '--iptables=false']);
  assert.equal(up.code, 0, up.stderr);
  fs.symlinkSync(`/run/${host.ns}.sock`, dockerLink);
  const docker = (...args: string[]) => sh('docker', ['-H', `unix://${dockerLink}`, ...args]);
  const tar = '/var/tmp/cnm-bbox.tar';
  if (!fs.existsSync(tar)) sh('bash', [path.join(PEERS, 'mk-bbox-rootfs.sh'), tar]);
  assert.equal(docker('import', tar, 'cnm-bbox-adopt').code, 0);
  assert.equal(docker('run', '-d', '--name', 'box', '--net', 'none', 'cnm-bbox-adopt', 'sleep', '300').code, 0);
  // What the extension's Attach Container… lists: the engines' running containers, through cnmd.
  const listed = JSON.parse(sh('curl', ['-s', '--unix-socket', host.socket, 'http://cnmd/cnm/containers']).stdout) as {
    name: string;
    engine: string;
  }[];
  assert.ok(
    listed.some((c) => c.name === 'box' && c.engine === 'docker'),
    JSON.stringify(listed),
  );
  host.mustCnm('sandbox', 'create', 'box', '--container', 'box', '--net', 'anet');
  assert.equal(view('box').adopted?.engine, 'docker');
  const ownIp = view('own').endpoints[0]!.ipv4!.split('/')[0]!;
  const ping = docker('exec', 'box', 'ping', '-c1', '-W2', ownIp);
  assert.equal(ping.code, 0, `the container reaches cnm's sandbox over cnm's endpoint: ${ping.stdout}${ping.stderr}`);
  assert.match(host.cnm('sandbox', 'create', 'ghost', '--container', 'nosuch').stderr, /No such container: nosuch/);
  docker('rm', '-f', 'box');
  await until('the stopped container to leave cnm', () => host.cnm('sandbox', 'inspect', 'box').code !== 0);
});
