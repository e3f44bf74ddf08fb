// Real-kernel tests of the netlink wrapper, all inside throwaway namespaces ("host" + "sandbox").
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CnmError } from '../../errors.js';
import { createNetns, deleteNetns } from '../netns/netns.js';
import { Netlink } from './netlink.js';
import { isRoot, needsRoot } from '../../../test/root.js';

const tag = `nl-${process.pid}`;
const hostNs = `t-${tag}-h`;
const sbNs = `t-${tag}-s`;
let host: Netlink;
let sb: Netlink;
let sbPath: string;

before(async () => {
  if (!isRoot) return;
  host = Netlink.inNetns(await createNetns(hostNs));
  sbPath = await createNetns(sbNs);
  sb = Netlink.inNetns(sbPath);
});

after(async () => {
  if (!isRoot) return;
  host?.close();
  sb?.close();
  await deleteNetns(hostNs);
  await deleteNetns(sbNs);
});

test('new namespaces have loopback up', needsRoot, async () => {
  const lo = await sb.getLink('lo');
  assert.equal(lo?.up, true);
});

test('bridge + veth with the peer born inside the sandbox netns', needsRoot, async () => {
  const br = await host.createBridge('br-test', { mtu: 1400, alias: 'cnm:net1', up: true });
  await host.createVethWithPeerInNetns({
    hostName: 'vcnm-test',
    peerName: 'eth0',
    peerNetnsPath: sbPath,
    peerMac: '02:42:ac:11:00:02',
    mtu: 1400,
    master: br,
    alias: 'cnm:ep1',
  });
  await sb.setUp('eth0');
  const links = await host.listLinks();
  const v = links.find((l) => l.name === 'vcnm-test');
  assert.equal(v?.kind, 'veth');
  assert.equal(v?.masterIndex, br);
  assert.equal(v?.alias, 'cnm:ep1');
  assert.equal(v?.mtu, 1400);
  assert.equal(v?.up, true);
  assert.deepEqual(
    links.find((l) => l.name === 'br-test'),
    { ...links.find((l) => l.name === 'br-test')!, kind: 'bridge', alias: 'cnm:net1', mtu: 1400 },
  );
  const eth0 = await sb.getLink('eth0');
  assert.equal(eth0?.mac, '02:42:ac:11:00:02');
  assert.equal(eth0?.mtu, 1400);
  assert.equal(eth0?.up, true);
  assert.equal(await host.getLink('eth0'), undefined, 'the peer never appears in the host netns');

  await host.addAddress('br-test', '172.30.0.1/16');
  await host.addAddress('br-test', 'fd00:30::1/64', { nodad: true });
  await sb.addAddress('eth0', '172.30.0.2/16');
  await sb.addAddress('eth0', 'fd00:30::2/64', { nodad: true });
  await sb.addRoute({ gateway: '172.30.0.1', ifname: 'eth0' });
  await sb.addRoute({ gateway: 'fd00:30::1', ifname: 'eth0' });
  await sb.addRoute({ dst: '10.99.0.0/24', ifname: 'eth0' });

  const addrs = await sb.listAddresses();
  assert.ok(addrs.some((a) => a.ifname === 'eth0' && a.cidr === '172.30.0.2/16'));
  assert.ok(addrs.some((a) => a.ifname === 'eth0' && a.cidr === 'fd00:30::2/64'));
  const routes = await sb.listRoutes();
  assert.ok(routes.some((r) => r.dst === '0.0.0.0/0' && r.gateway === '172.30.0.1' && r.ifname === 'eth0'));
  assert.ok(routes.some((r) => r.dst === '::/0' && r.gateway === 'fd00:30::1'));
  assert.ok(routes.some((r) => r.dst === '172.30.0.0/16' && r.ifname === 'eth0'));
  assert.ok(routes.some((r) => r.dst === '10.99.0.0/24'));

  await sb.delRoute({ dst: '10.99.0.0/24', ifname: 'eth0' });
  await sb.delAddress('eth0', 'fd00:30::2/64');
  assert.ok(!(await sb.listRoutes()).some((r) => r.dst === '10.99.0.0/24'));

  await host.setMtu('vcnm-test', 1300);
  await host.setAlias('vcnm-test', 'cnm:ep1-renamed');
  await host.setMaster('vcnm-test', 0);
  const changed = await host.getLink('vcnm-test');
  assert.equal(changed?.mtu, 1300);
  assert.equal(changed?.alias, 'cnm:ep1-renamed');
  assert.equal(changed?.masterIndex, undefined);

  await host.deleteLink('vcnm-test');
  assert.equal(await sb.getLink('eth0'), undefined, 'deleting the host end removes the peer');
  await host.deleteLink('vcnm-test'); // idempotent
  await host.deleteLink('br-test');
});

test('kernel errors become CnmErrors with kind and context', needsRoot, async () => {
  await host.createBridge('br-dup', { alias: 'cnm:dup' });
  await assert.rejects(host.createBridge('br-dup', { alias: 'cnm:dup' }), (err: CnmError) => {
    assert.equal(err.kind, 'conflict');
    assert.equal(err.context.link, 'br-dup');
    assert.equal(err.context.call, 'RTM_NEWLINK bridge');
    return true;
  });
  await host.deleteLink('br-dup');
  await assert.rejects(host.setUp('nope0'), (err: CnmError) => err.kind === 'not-found' && err.context.link === 'nope0');
  await assert.rejects(host.addAddress('lo', 'not-a-cidr'), (err: CnmError) => err.kind === 'invalid');
});

test('a missing kernel link type is reported as unsupported, naming it', needsRoot, async () => {
  const nl = host as unknown as { newLink(n: string, k: string, d: object, a: object, alias: string): Promise<number> };
  // dummy is absent from this kernel; where it exists the link is simply made (and removed).
  try {
    await nl.newLink(
      'dm-test',
      'dummy',
      {},
      { ifname: 'dm-test', linkinfo: Buffer.from([10, 0, 1, 0, 100, 117, 109, 109, 121, 0, 0, 0]) },
      'cnm:dm',
    );
    await host.deleteLink('dm-test');
  } catch (err) {
    assert.ok(err instanceof CnmError);
    assert.equal(err.kind, 'unsupported');
    assert.match(err.message, /the kernel has no dummy link support \(RTM_NEWLINK dummy: EOPNOTSUPP\)/);
  }
});

test('vxlan and macvlan links', needsRoot, async (t) => {
  await host.createBridge('br-vx', { alias: 'cnm:vx', up: true });
  try {
    await host.createVxlan({ name: 'vx-test', vni: 4242, alias: 'cnm:vx', learning: false, master: (await host.getLink('br-vx'))!.index });
    const vx = await host.getLink('vx-test');
    assert.equal(vx?.kind, 'vxlan');
  } finally {
    await host.deleteLink('vx-test');
  }
  await host.deleteLink('br-vx');
  const parent = 'vparent';
  await host.createVethWithPeerInNetns({ hostName: parent, peerName: 'vpeer', peerNetnsPath: sbPath, alias: 'cnm:mv' });
  try {
    await host.createMacvlan({ name: 'mv0', parent, mode: 'bridge', netnsPath: sbPath, mac: '02:00:00:00:00:07', alias: 'cnm:mv' });
    await sb.setAlias('mv0', 'cnm:mv');
    const mv = await sb.getLink('mv0');
    assert.equal(mv?.alias, 'cnm:mv');
    assert.equal(mv?.kind, 'macvlan');
    assert.equal(mv?.mac, '02:00:00:00:00:07');
  } catch (err) {
    if (err instanceof CnmError && err.kind === 'unsupported') t.skip(err.message);
    else throw err;
  } finally {
    await host.deleteLink(parent);
  }
});

test('a new link and its cnm: alias go to the kernel in one datagram (no crash can fall between them)', needsRoot, async () => {
  const raw = (host as unknown as { sock: { socket: { socket: { send: (...a: unknown[]) => void } } } }).sock.socket.socket;
  const plain = raw.send;
  const datagrams: number[] = [];
  raw.send = function (msg: unknown, ...rest: unknown[]) {
    datagrams.push(Array.isArray(msg) ? msg.reduce((n: number, b: Uint8Array) => n + b.length, 0) : (msg as Uint8Array).length);
    return plain.call(this, msg, ...rest);
  };
  try {
    await host.createVethWithPeerInNetns({ hostName: 'vcnm-one', peerName: 'one0', peerNetnsPath: sbPath, alias: 'cnm:one' });
  } finally {
    raw.send = plain;
  }
  assert.equal(datagrams.length, 1, 'RTM_NEWLINK and RTM_SETLINK alias in one sendmsg');
  assert.equal((await host.getLink('vcnm-one'))?.alias, 'cnm:one');
  await host.deleteLink('vcnm-one');
});

test('a dump survives requests answered on the same socket in the middle of it', needsRoot, async () => {
  const names = Array.from({ length: 60 }, (_, i) => `brd${i}`);
  for (const n of names) await host.createBridge(n, { alias: 'cnm:dump' });
  try {
    // The dump's parts span several datagrams; the ACKs of the alias changes arrive among them.
    const dump = host.listLinks();
    await new Promise((r) => setImmediate(r)); // the dump request is out; its first part may be in
    await Promise.all(names.map((n) => host.setAlias(n, 'cnm:dump2')));
    const links = await dump;
    assert.ok(links.filter((l) => l.name.startsWith('brd')).length === names.length);
  } finally {
    for (const n of names) await host.deleteLink(n);
  }
});
