// Sandboxes on the host and none networks through a real cnmd: `--net host` shares cnmd's own
// namespace (`cnm exec` runs there), `--net none` has loopback only, and neither joins a second
// network (Docker's errors, from moby's daemon/container_operations.go and runconfig/errors.go).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { TestHost, execIn } from './host.js';
import type { SandboxView } from '../../model/cnm.js';
import { isRoot, needsRoot } from '../root.js';

const MARK = `hm${process.pid}`.slice(0, 15);
const HOST_CONFLICT = 'container cannot be disconnected from host network or connected to host network';
const SHARED_CONFLICT = 'container sharing network namespace with another container or host cannot be connected to any other network';
const NONE_CONFLICT = 'container cannot be connected to multiple networks with one of the networks in private (none) mode';

let host: TestHost;
before(async () => {
  if (!isRoot) return;
  host = await TestHost.start('hostnone');
  // A link only cnmd's namespace has: proof that `cnm exec` ran there.
  host.inHost('ip', 'link', 'add', MARK, 'type', 'bridge');
});
after(async () => {
  if (!isRoot) return;
  await host?.destroy();
});

const sandbox = (name: string): SandboxView => JSON.parse(host.mustCnm('sandbox', 'inspect', name))[0];
const refused = (args: string[], message: string) => {
  const r = host.cnm(...args);
  assert.notEqual(r.code, 0, `cnm ${args.join(' ')} should fail`);
  assert.equal(r.stderr.trim(), `Error response from daemon: ${message}`);
};

test("--net host: no namespace of its own, `cnm exec` runs in cnmd's namespace", needsRoot, () => {
  const before = fs.readdirSync('/run/netns').filter((n) => n.startsWith(host.netnsPrefix)).length;
  host.mustCnm('sandbox', 'create', 'h1', '--net', 'host');
  const h1 = sandbox('h1');
  assert.equal(h1.netnsPath, 'host');
  assert.deepEqual(
    h1.endpoints.map((e) => [e.networkName, e.ifname, e.ipv4]),
    [['host', '', undefined]],
  );
  assert.equal(fs.readdirSync('/run/netns').filter((n) => n.startsWith(host.netnsPrefix)).length, before, 'no netns made');
  assert.match(execIn(host, 'h1', 'ip', '-o', 'link', 'show').stdout, new RegExp(`: ${MARK}:`));
  assert.ok(
    Object.values(JSON.parse(host.mustCnm('network', 'inspect', 'host'))[0].Containers).some((c) => (c as { Name: string }).Name === 'h1'),
  );
});

test('--net none: loopback only, up', needsRoot, () => {
  host.mustCnm('sandbox', 'create', 'n1', '--net', 'none');
  const links = execIn(host, 'n1', 'ip', '-o', 'link', 'show').stdout.trim().split('\n');
  assert.equal(links.length, 1, links.join('\n'));
  assert.match(links[0], /^1: lo: <LOOPBACK,UP,LOWER_UP>/);
  assert.deepEqual(execIn(host, 'n1', 'ip', '-4', '-o', 'addr', 'show').stdout.match(/inet \S+/g), ['inet 127.0.0.1/8']);
  assert.equal(execIn(host, 'n1', 'ping', '-c1', '-W1', '127.0.0.1').code, 0);
});

test("neither joins a second network: Docker's errors, nothing half-made", needsRoot, () => {
  host.mustCnm('network', 'create', 'other');
  host.mustCnm('sandbox', 'create', 'b1', '--net', 'other');
  refused(['network', 'connect', 'other', 'h1'], SHARED_CONFLICT);
  refused(['network', 'connect', 'bridge', 'h1'], SHARED_CONFLICT);
  refused(['network', 'disconnect', 'host', 'h1'], HOST_CONFLICT);
  refused(['network', 'connect', 'host', 'b1'], HOST_CONFLICT);
  refused(['network', 'connect', 'other', 'n1'], NONE_CONFLICT);
  refused(['network', 'connect', 'none', 'b1'], NONE_CONFLICT);
  assert.deepEqual(
    sandbox('h1').endpoints.map((e) => e.networkName),
    ['host'],
  );
  assert.deepEqual(
    sandbox('n1').endpoints.map((e) => e.networkName),
    ['none'],
  );
  assert.deepEqual(
    sandbox('b1').endpoints.map((e) => e.networkName),
    ['other'],
  );
  assert.equal(execIn(host, 'n1', 'ip', '-o', 'link', 'show').stdout.trim().split('\n').length, 1);
  // Docker allows leaving none; the sandbox then has no network at all, and may join another.
  host.mustCnm('network', 'disconnect', 'none', 'n1');
  host.mustCnm('network', 'connect', 'other', 'n1');
  assert.match(execIn(host, 'n1', 'ip', '-o', 'addr', 'show', 'eth0').stdout, /inet 172\./);
});

test("a restart re-adopts them: the host sandbox stays in cnmd's namespace, none keeps loopback only", needsRoot, async () => {
  host.mustCnm('sandbox', 'create', 'n2', '--net', 'none');
  await host.stopDaemon('SIGKILL');
  await host.startDaemon();
  assert.deepEqual(
    sandbox('h1').endpoints.map((e) => e.networkName),
    ['host'],
  );
  assert.match(execIn(host, 'h1', 'ip', '-o', 'link', 'show').stdout, new RegExp(`: ${MARK}:`));
  assert.equal(execIn(host, 'n2', 'ip', '-o', 'link', 'show').stdout.trim().split('\n').length, 1);
  refused(['network', 'connect', 'other', 'h1'], SHARED_CONFLICT);
  host.mustCnm('sandbox', 'rm', 'n2');
});

test("removing them: the host sandbox leaves cnmd's namespace alone", needsRoot, () => {
  host.mustCnm('sandbox', 'rm', 'h1', 'n1', 'b1');
  assert.match(host.inHost('ip', '-o', 'link', 'show').stdout, new RegExp(`: ${MARK}:`));
  assert.equal(fs.readdirSync('/run/netns').filter((n) => n.startsWith(host.netnsPrefix)).length, 0);
  host.mustCnm('network', 'rm', 'other');
});
