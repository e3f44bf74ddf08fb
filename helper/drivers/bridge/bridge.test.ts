// The bridge driver on the real kernel: a throwaway "host" netns (standing in for cnmd's), two
// networks, three sandboxes, cnm's firewall applied in the host netns, and pings to prove
// reachability, isolation, ICC off and internal networks. Everything is deleted in `after`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import type { Endpoint, Network, Sandbox } from '../../../model/cnm.js';
import { Netlink } from '../../kernel/netlink/netlink.js';
import { createNetns, deleteNetns, listNetns } from '../../kernel/netns/netns.js';
import { Firewall } from '../../kernel/nftables/nft.js';
import { writeSysctlIn } from '../../kernel/sysctl.js';
import type { SandboxHandle } from '../driver.js';
import { testNetwork } from '../testing.js';
import { BridgeDriver, hostVethName } from './bridge.js';
import { parseBridgeOptions } from './options.js';
import { isRoot, needsRoot } from '../../../test/root.js';

const prefix = `t-br-${process.pid}-`;
const hex = (c: string) => c.repeat(64);
let host: Netlink;
let driver: BridgeDriver;
/** A network with its parsed options, as the core hands it to the driver. */
const b = (net: Network) => ({ net, cfg: parseBridgeOptions(net) });
let fw: Firewall;
const sandboxes: SandboxHandle[] = [];

function network(id: string, subnet: string, gateway: string, over: Partial<Network> = {}): Network {
  return testNetwork(id, { subnet, gateway, ...over });
}

const A = network('a', '10.201.0.0/24', '10.201.0.1');
const B = network('b', '10.202.0.0/24', '10.202.0.1');

async function sandbox(name: string): Promise<SandboxHandle> {
  const netnsPath = await createNetns(prefix + name);
  const sb: Sandbox = { id: hex(name[0]), name, hostname: name, labels: {}, netnsPath, created: '', dns: [] };
  const h = { sandbox: sb, nl: Netlink.inNetns(netnsPath) };
  sandboxes.push(h);
  return h;
}

const endpoint = (id: string, net: Network, ipv4: string, mac: string): Endpoint => ({
  id: hex(id),
  networkId: net.id,
  sandboxId: '',
  ifname: 'eth0',
  mac,
  ipv4,
  aliases: [],
  order: 0,
});

const ping = (sb: SandboxHandle, ip: string): boolean => {
  try {
    execFileSync('ip', ['netns', 'exec', sb.sandbox.netnsPath.split('/').pop()!, 'ping', '-c1', '-W1', ip], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

let s1: SandboxHandle, s2: SandboxHandle, s3: SandboxHandle;
const e1 = endpoint('1', A, '10.201.0.2/24', '02:42:0a:c9:00:02');
const e2 = endpoint('2', A, '10.201.0.3/24', '02:42:0a:c9:00:03');
const e3 = endpoint('3', B, '10.202.0.2/24', '02:42:0a:ca:00:02');

before(async () => {
  if (!isRoot) return;
  const hostPath = await createNetns(prefix + 'host');
  host = Netlink.inNetns(hostPath);
  driver = new BridgeDriver({ host });
  fw = Firewall.inNetns(hostPath);
  writeSysctlIn(hostPath, 'net.ipv4.ip_forward', '1');
  for (const net of [A, B]) await driver.setupNetwork(b(net));
  [s1, s2, s3] = [await sandbox('s1'), await sandbox('s2'), await sandbox('s3')];
  await driver.setupEndpoint(b(A), e1, s1, true);
  await driver.setupEndpoint(b(A), e2, s2, true);
  await driver.setupEndpoint(b(B), e3, s3, true);
  await fw.apply([A, B].map((n) => driver.rules(b(n))));
});

after(async () => {
  if (!isRoot) return;
  for (const s of sandboxes) s.nl?.close();
  host?.close();
  for (const name of listNetns(prefix)) await deleteNetns(name);
});

test('endpoints are plumbed: eth0 with MAC, address, default route; host veth on the bridge', needsRoot, async () => {
  assert.equal(e1.hostIfname, hostVethName(e1.id));
  const eth0 = await s1.nl!.getLink('eth0');
  assert.equal(eth0?.mac, '02:42:0a:c9:00:02');
  assert.equal(eth0?.up, true);
  assert.ok((await s1.nl!.listRoutes()).some((r) => r.dst === '0.0.0.0/0' && r.gateway === '10.201.0.1'));
  const links = await host.listLinks();
  const br = links.find((l) => l.name === 'br-aaaaaaaaaaaa');
  assert.equal(br?.alias, `cnm:${A.id}`);
  assert.equal(links.find((l) => l.name === e1.hostIfname)?.masterIndex, br?.index);
  assert.ok((await host.listAddresses()).some((a) => a.ifname === 'br-aaaaaaaaaaaa' && a.cidr === '10.201.0.1/24'));
});

test('setupNetwork is idempotent (re-adoption) and drops a gateway address the network no longer has', needsRoot, async () => {
  await host.addAddress('br-aaaaaaaaaaaa', '10.99.0.1/24'); // as a move killed after the new gateway was set
  await driver.setupNetwork(b(A));
  const on = (await host.listAddresses()).filter((a) => a.ifname === 'br-aaaaaaaaaaaa' && !a.cidr.startsWith('fe80:')).map((a) => a.cidr);
  assert.deepEqual(on, ['10.201.0.1/24']);
});

test('same network reaches, other network does not; the gateway answers', needsRoot, () => {
  assert.equal(ping(s1, '10.201.0.3'), true, 's1 → s2 (same network)');
  assert.equal(ping(s1, '10.201.0.1'), true, 's1 → its gateway');
  assert.equal(ping(s1, '10.202.0.2'), false, 's1 → s3 (other network) must be dropped');
  assert.equal(ping(s3, '10.201.0.2'), false, 's3 → s1 (other network) must be dropped');
});

test('enable_icc=false blocks container-to-container on the bridge only', needsRoot, async () => {
  const noIcc = { ...A, options: { 'com.docker.network.bridge.enable_icc': 'false' } };
  await fw.apply([noIcc, B].map((n) => driver.rules(b(n))));
  try {
    assert.equal(ping(s1, '10.201.0.3'), false, 's1 → s2 with ICC off');
    assert.equal(ping(s1, '10.201.0.1'), true, 'the gateway is still reachable');
  } finally {
    await fw.apply([A, B].map((n) => driver.rules(b(n))));
  }
  assert.equal(ping(s1, '10.201.0.3'), true, 'ICC back on');
});

test('an internal network cannot reach outside its bridge and gets no default route', needsRoot, async () => {
  const I = network('c', '10.203.0.0/24', '10.203.0.1', { internal: true });
  const s4 = await sandbox('s4');
  const e4 = endpoint('4', I, '10.203.0.2/24', '02:42:0a:cb:00:02');
  await driver.setupNetwork(b(I));
  await driver.setupEndpoint(b(I), e4, s4, true);
  assert.ok(!(await s4.nl!.listRoutes()).some((r) => r.dst === '0.0.0.0/0'), 'Docker gives internal networks no default route');
  // give it a route anyway, so only the firewall stands in the way
  await s4.nl!.addRoute({ gateway: '10.203.0.1', ifname: 'eth0' });
  await fw.apply([A, B, I].map((n) => driver.rules(b(n))));
  assert.equal(ping(s4, '10.201.0.2'), false, 'internal → other network');
  assert.equal(ping(s1, '10.203.0.2'), false, 'other network → internal');
  await driver.teardownEndpoint(b(I), e4, s4);
  await driver.teardownNetwork(b(I));
});

test('masquerade: traffic leaving through a non-cnm interface carries the host address', needsRoot, async () => {
  // an "uplink" netns behind a veth from the host netns stands in for the outside world
  const out = await sandbox('out');
  await host.createVethWithPeerInNetns({
    hostName: 'uplink',
    peerName: 'eth0',
    peerNetnsPath: out.sandbox.netnsPath,
    alias: 'cnm:test-uplink',
  });
  await host.setUp('uplink');
  await host.addAddress('uplink', '192.0.2.1/24');
  await out.nl!.setUp('eth0');
  await out.nl!.addAddress('eth0', '192.0.2.2/24');
  // no route back to 10.201/24 in "out": the reply only arrives if the source was masqueraded
  assert.equal(ping(s1, '192.0.2.2'), true);
  await fw.apply([{ ...A, options: { 'com.docker.network.bridge.enable_ip_masquerade': 'false' } }, B].map((n) => driver.rules(b(n))));
  assert.equal(ping(s1, '192.0.2.2'), false, 'without masquerade there is no way back');
  await fw.apply([A, B].map((n) => driver.rules(b(n))));
  await host.deleteLink('uplink');
});

test('teardown leaves no links behind', needsRoot, async () => {
  for (const [net, ep, sb] of [
    [A, e1, s1],
    [A, e2, s2],
    [B, e3, s3],
  ] as const)
    await driver.teardownEndpoint(b(net), ep, sb);
  for (const net of [A, B]) await driver.teardownNetwork(b(net));
  await fw.flush();
  // What may remain is at most one parked spare per sandbox (it goes with the sandbox's netns).
  const left = (await host.listLinks()).filter((l) => l.name !== 'lo');
  const spareAliases = [s1, s2, s3].map((s) => `cnm:${s.sandbox.id}`);
  for (const l of left) assert.ok(spareAliases.includes(l.alias), `${l.name} (${l.alias}) is a parked spare`);
  assert.ok(left.length <= 3);
  for (const s of [s1, s2, s3]) assert.equal(await s.nl!.getLink('eth0'), undefined);
});
