import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CnmError, type ErrorKind } from '../errors.js';
import { JournalStore } from '../store/journal.js';
import { Txn } from '../store/txn.js';
import { DefaultIpam, type PoolRequest } from './ipam.js';

type T = { after: (fn: () => Promise<void> | void) => void };

function tempDir(t: T): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-ipam-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const noHost = async () => [] as string[];

/** One txn per call, committed nowhere: these tests look at memory only. */
function pool(ipam: DefaultIpam, net: string, req: Partial<PoolRequest> = {}) {
  return ipam.requestPool(new Txn(), net, { v6: false, ...req });
}
function addr(ipam: DefaultIpam, net: string, subnet: string, preferred?: string): string {
  return ipam.requestAddress(new Txn(), net, subnet, preferred);
}

function rejectsWith(kind: ErrorKind, message: string | RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof CnmError, String(err));
    assert.equal(err.kind, kind);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  };
}

test('default pools in Docker order: 172.17/16 first, gateway .1, addresses from .2 on', async () => {
  const ipam = new DefaultIpam(noHost);
  const bridge = await pool(ipam, 'bridge', { subnet: '172.17.0.0/16', showGateway: false });
  assert.deepEqual(bridge, { subnet: '172.17.0.0/16', gateway: '172.17.0.1', auxAddresses: {}, showGateway: false });
  const a = await pool(ipam, 'a');
  assert.deepEqual(a, { subnet: '172.18.0.0/16', gateway: '172.18.0.1', auxAddresses: {}, showGateway: true });
  assert.equal(addr(ipam, 'a', a.subnet), '172.18.0.2/16');
  assert.equal(addr(ipam, 'a', a.subnet), '172.18.0.3/16');
  assert.equal((await pool(ipam, 'b')).subnet, '172.19.0.0/16');
});

test("after 172.31/16 come the 192.168.x.0/20 pools; when all are gone, Docker's 404", async () => {
  const ipam = new DefaultIpam(noHost);
  const subnets: string[] = [];
  for (let i = 0; i < 31; i++) subnets.push((await pool(ipam, `n${i}`)).subnet);
  assert.equal(subnets[14], '172.31.0.0/16');
  assert.equal(subnets[15], '192.168.0.0/20');
  assert.equal(subnets[30], '192.168.240.0/20');
  await assert.rejects(
    pool(ipam, 'more'),
    rejectsWith('not-found', 'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network'),
  );
});

test("default pools skip host prefixes and other networks' subnets (but not the default route)", async () => {
  const ipam = new DefaultIpam(async () => ['0.0.0.0/0', '172.17.0.5/16', '172.19.3.0/24', '10.0.0.1']);
  await pool(ipam, 'user', { subnet: '172.18.128.0/17' });
  assert.equal((await pool(ipam, 'x')).subnet, '172.20.0.0/16');
});

test('an explicit subnet may overlap the host but not another pool: 403', async () => {
  const ipam = new DefaultIpam(async () => ['10.9.0.0/16']);
  const p = await pool(ipam, 'a', { subnet: '10.9.0.5/24' });
  assert.equal(p.subnet, '10.9.0.0/24', 'host bits cleared');
  assert.equal(p.showGateway, false, 'Docker prints no Gateway for a given subnet without one');
  await assert.rejects(
    pool(ipam, 'b', { subnet: '10.9.0.128/25' }),
    rejectsWith('forbidden', 'Pool overlaps with other one on this address space'),
  );
  await assert.rejects(pool(ipam, 'c', { subnet: '10.0.0.0/8' }), rejectsWith('forbidden', /^Pool overlaps/));
});

test("a pool overlap carries the network it overlaps, for cnm's wording (the message stays Docker's)", async () => {
  const ipam = new DefaultIpam(noHost);
  await pool(ipam, 'id-front', { subnet: '10.9.0.0/24', networkName: 'frontend' });
  await assert.rejects(pool(ipam, 'id-b', { subnet: '10.9.0.0/16', networkName: 'b' }), (err: unknown) => {
    assert.ok(err instanceof CnmError);
    assert.equal(err.message, 'Pool overlaps with other one on this address space');
    assert.deepEqual(err.cnmDetail, { reason: 'pool-overlap', subnet: '10.9.0.0/16', pool: '10.9.0.0/24', overlaps: 'frontend' });
    return true;
  });
});

test('default pool search continues after the last one handed out', async () => {
  const ipam = new DefaultIpam(noHost);
  const a = await pool(ipam, 'a');
  await pool(ipam, 'b');
  ipam.releasePool(new Txn(), 'a', a.subnet);
  assert.equal((await pool(ipam, 'c')).subnet, '172.19.0.0/16', 'the freed 172.17 is not reused straight away');
});

test('ip-range: addresses come from the range; static ones may lie outside it', async () => {
  const ipam = new DefaultIpam(noHost);
  const p = await pool(ipam, 'c', { subnet: '10.77.0.0/24', ipRange: '10.77.0.128/25', gateway: '10.77.0.1' });
  assert.deepEqual(p, { subnet: '10.77.0.0/24', ipRange: '10.77.0.128/25', gateway: '10.77.0.1', auxAddresses: {}, showGateway: true });
  assert.equal(addr(ipam, 'c', p.subnet), '10.77.0.128/24');
  assert.equal(addr(ipam, 'c', p.subnet), '10.77.0.129/24');
  assert.equal(addr(ipam, 'c', p.subnet, '10.77.0.5'), '10.77.0.5/24');
  // Without a gateway, the gateway is the range's first address (libnetwork asks the range).
  const q = await pool(ipam, 'd', { subnet: '10.78.0.0/24', ipRange: '10.78.0.64/26' });
  assert.equal(q.gateway, '10.78.0.64');
  assert.equal(addr(ipam, 'd', q.subnet), '10.78.0.65/24');
});

test('endpointAddresses: what the pool handed out, never its gateway or aux addresses', async () => {
  const ipam = new DefaultIpam(noHost);
  const p = await pool(ipam, 'e', { subnet: '10.79.0.0/24', auxAddresses: { h: '10.79.0.9' } });
  addr(ipam, 'e', p.subnet);
  addr(ipam, 'e', p.subnet, '10.79.0.40');
  assert.deepEqual(ipam.endpointAddresses('e', p.subnet).sort(), ['10.79.0.2', '10.79.0.40']);
  ipam.releaseAddress(new Txn(), 'e', p.subnet, '10.79.0.2');
  assert.deepEqual(ipam.endpointAddresses('e', p.subnet), ['10.79.0.40']);
});

test('ip-range and gateway errors', async () => {
  const ipam = new DefaultIpam(noHost);
  await assert.rejects(
    pool(ipam, 'a', { subnet: '10.1.0.0/24', ipRange: '10.2.0.0/25' }),
    rejectsWith('invalid', 'no matching subnet for range 10.2.0.0/25'),
  );
  await assert.rejects(
    pool(ipam, 'a', { subnet: '10.1.0.0/24', ipRange: '10.1.0/25' }),
    rejectsWith('invalid', 'invalid CIDR address: 10.1.0/25'),
  );
  await assert.rejects(
    pool(ipam, 'a', { subnet: '10.1.0/24' }),
    rejectsWith('invalid', 'Invalid subnet 10.1.0/24 : invalid CIDR address: 10.1.0/24'),
  );
  await assert.rejects(
    pool(ipam, 'a', { ipRange: '10.1.0.0/25' }),
    rejectsWith('invalid', 'every ip-range or gateway must have a corresponding subnet'),
  );
  await assert.rejects(
    pool(ipam, 'a', { subnet: '10.1.0.0/24', gateway: 'x' }),
    rejectsWith('invalid', 'invalid gateway address x in Ipam configuration'),
  );
  await assert.rejects(
    pool(ipam, 'a', { subnet: '10.1.0.0/24', gateway: '10.3.0.1' }),
    rejectsWith('invalid', 'failed to allocate gateway (10.3.0.1): Requested address is out of range'),
  );
  await assert.rejects(
    pool(ipam, 'a', { subnet: '10.1.0.0/24', gateway: '10.1.0.255' }),
    rejectsWith('invalid', 'failed to allocate gateway (10.1.0.255): Address already in use'),
  );
  // None of the failures left a pool behind.
  assert.equal((await pool(ipam, 'a', { subnet: '10.1.0.0/24' })).subnet, '10.1.0.0/24');
});

test('aux addresses are reserved and checked', async () => {
  const ipam = new DefaultIpam(noHost);
  const p = await pool(ipam, 'a', { subnet: '10.5.0.0/29', auxAddresses: { router: '10.5.0.2', dns: '10.5.0.3' }, networkName: 'auxnet' });
  assert.deepEqual(p.auxAddresses, { router: '10.5.0.2', dns: '10.5.0.3' });
  assert.equal(addr(ipam, 'a', p.subnet), '10.5.0.4/29');
  await assert.rejects(
    Promise.resolve().then(() => addr(ipam, 'a', p.subnet, '10.5.0.2')),
    rejectsWith('forbidden', 'Address already in use'),
  );
  const bad = (aux: Record<string, string>) => pool(ipam, 'b', { subnet: '10.6.0.0/24', auxAddresses: aux, networkName: 'bnet' });
  await assert.rejects(bad({ h: 'nope' }), rejectsWith('invalid', 'non parsable secondary ip address (h:nope) passed for network bnet'));
  await assert.rejects(
    bad({ h: '10.7.0.1' }),
    rejectsWith('forbidden', 'auxiliary address: (h:10.7.0.1) must belong to the master pool: 10.6.0.0/24'),
  );
  await assert.rejects(
    bad({ h: '10.6.0.1' }),
    rejectsWith('invalid', 'failed to allocate secondary ip address (h:10.6.0.1): Address already in use'),
  );
});

test("static addresses: Docker's errors for outside, gateway, network, broadcast, taken", async () => {
  const ipam = new DefaultIpam(noHost);
  const p = await pool(ipam, 'a', { subnet: '10.8.0.0/24' });
  assert.equal(addr(ipam, 'a', p.subnet, '10.8.0.9/24'), '10.8.0.9/24');
  const tryAddr = (a: string) => Promise.resolve().then(() => addr(ipam, 'a', p.subnet, a));
  for (const taken of ['10.8.0.1', '10.8.0.0', '10.8.0.255', '10.8.0.9']) {
    await assert.rejects(tryAddr(taken), rejectsWith('forbidden', 'Address already in use'));
  }
  await assert.rejects(
    tryAddr('10.9.0.3'),
    rejectsWith('invalid', "Invalid address 10.9.0.3: It does not belong to any of this network's subnets"),
  );
  await assert.rejects(tryAddr('fd00::1'), rejectsWith('invalid', /does not belong/));
  await assert.rejects(tryAddr('10.8.0'), rejectsWith('invalid', '10.8.0 is not an ip address'));
  // Dynamic allocation steps over the static one.
  for (let i = 2; i <= 8; i++) addr(ipam, 'a', p.subnet);
  assert.equal(addr(ipam, 'a', p.subnet), '10.8.0.10/24');
  assert.deepEqual(ipam.findPool('a', '10.8.0.77'), p);
  assert.equal(ipam.findPool('a', '10.9.0.1'), undefined);
});

test("exhaustion gives Docker's message; a /30 holds the gateway and one address", async () => {
  const ipam = new DefaultIpam(noHost);
  const p = await pool(ipam, 'id30', { subnet: '10.10.0.0/30', networkName: 'tiny' });
  assert.equal(p.gateway, '10.10.0.1');
  assert.equal(addr(ipam, 'id30', p.subnet), '10.10.0.2/30');
  assert.throws(
    () => addr(ipam, 'id30', p.subnet),
    rejectsWith('internal', "no available IPv4 addresses on this network's address pools: tiny (id30)"),
  );
});

test('release: the freed address is not reused until the cursor wraps', async () => {
  const ipam = new DefaultIpam(noHost);
  const p = await pool(ipam, 'a', { subnet: '10.11.0.0/29' }); // .1 gateway, .2–.6 usable
  const got = [2, 3, 4].map(() => addr(ipam, 'a', p.subnet));
  ipam.releaseAddress(new Txn(), 'a', p.subnet, got[0]);
  assert.equal(addr(ipam, 'a', p.subnet), '10.11.0.5/29');
  assert.equal(addr(ipam, 'a', p.subnet), '10.11.0.6/29');
  assert.equal(addr(ipam, 'a', p.subnet), '10.11.0.2/29', 'wrapped round to the freed one');
  // Releasing the gateway or a free address changes nothing.
  ipam.releaseAddress(new Txn(), 'a', p.subnet, '10.11.0.1');
  ipam.releaseAddress(new Txn(), 'a', p.subnet, '10.11.0.2'); // now free again
  ipam.releaseAddress(new Txn(), 'a', p.subnet, '10.11.0.2');
  assert.equal(addr(ipam, 'a', p.subnet), '10.11.0.2/29');
});

test('IPv6: explicit /64 with ::1 gateway, serial addresses; no default v6 pool', async () => {
  const ipam = new DefaultIpam(noHost);
  const p = await pool(ipam, 'v6', { subnet: 'fd00:77::/64', v6: true });
  assert.deepEqual(p, { subnet: 'fd00:77::/64', gateway: 'fd00:77::1', auxAddresses: {}, showGateway: false });
  assert.equal(addr(ipam, 'v6', p.subnet), 'fd00:77::2/64');
  assert.equal(addr(ipam, 'v6', p.subnet, 'fd00:77::ffff:ffff:ffff:fffe'), 'fd00:77::ffff:ffff:ffff:fffe/64');
  assert.equal(addr(ipam, 'v6', p.subnet, 'fd00:77::ffff:ffff:ffff:ffff'), 'fd00:77::ffff:ffff:ffff:ffff/64', 'IPv6 has no broadcast');
  const big = await pool(ipam, 'v6big', { subnet: '2001:db8::/32', gateway: '2001:db8::ff', v6: true });
  assert.equal(big.showGateway, true);
  assert.equal(addr(ipam, 'v6big', big.subnet), '2001:db8::1/32');
  await assert.rejects(pool(ipam, 'v6auto', { v6: true }), rejectsWith('not-found', /non-overlapping IPv6 address pool/));
  await assert.rejects(pool(ipam, 'v6o', { subnet: 'fd00:77::8000/113', v6: true }), rejectsWith('forbidden', /^Pool overlaps/));
});

test('a v6 range near the top of a huge subnet hands out addresses in order', async () => {
  const ipam = new DefaultIpam(noHost);
  const p = await pool(ipam, 'r', { subnet: 'fd01::/48', ipRange: 'fd01:0:0:ffff::/64', v6: true });
  assert.equal(p.gateway, 'fd01:0:0:ffff::');
  assert.equal(addr(ipam, 'r', p.subnet), 'fd01:0:0:ffff::1/48');
});

test('abort undoes pools, addresses and cursors', async () => {
  const ipam = new DefaultIpam(noHost);
  const txn = new Txn();
  const p = await ipam.requestPool(txn, 'a', { v6: false });
  ipam.requestAddress(txn, 'a', p.subnet);
  txn.abort();
  const again = await pool(ipam, 'a');
  assert.equal(again.subnet, '172.17.0.0/16', 'pool and default cursor restored');
  const t2 = new Txn();
  assert.equal(ipam.requestAddress(t2, 'a', again.subnet), '172.17.0.2/16');
  t2.abort();
  assert.equal(addr(ipam, 'a', again.subnet), '172.17.0.2/16', 'address and cursor restored');
  const t3 = new Txn();
  ipam.releasePool(t3, 'a', again.subnet);
  t3.abort();
  assert.equal(addr(ipam, 'a', again.subnet), '172.17.0.3/16', 'released pool restored with its addresses');
  assert.throws(() => ipam.releasePool(new Txn(), 'other', again.subnet), rejectsWith('not-found', /cannot find address pool/));
});

test('persistence: a reopened store restores pools, addresses and cursors; nothing is handed out twice', async (t) => {
  const dir = tempDir(t);
  let store = await JournalStore.open(dir);
  const ipam = new DefaultIpam(noHost);
  let txn = new Txn();
  const p4 = await ipam.requestPool(txn, 'net', { v6: false, networkName: 'n', auxAddresses: {} });
  const p6 = await ipam.requestPool(txn, 'net', { v6: true, subnet: 'fd00:1::/64' });
  await txn.commit(store);
  const got: string[] = [];
  for (let i = 0; i < 5; i++) {
    txn = new Txn();
    got.push(ipam.requestAddress(txn, 'net', p4.subnet), ipam.requestAddress(txn, 'net', p6.subnet));
    await txn.commit(store);
  }
  txn = new Txn();
  ipam.releaseAddress(txn, 'net', p4.subnet, got[8]); // the last one handed out: 172.17.0.6
  await txn.commit(store);
  const uncommitted = new Txn();
  ipam.requestAddress(uncommitted, 'net', p4.subnet); // never committed: must not survive
  await store.close();

  store = await JournalStore.open(dir);
  t.after(() => store.close());
  const reloaded = new DefaultIpam(noHost);
  await reloaded.load(store);
  assert.deepEqual(reloaded.networkPools('net'), [p4, p6]);
  txn = new Txn();
  assert.equal(reloaded.requestAddress(txn, 'net', p4.subnet), '172.17.0.7/16', 'the cursor survived: .6 is not reused');
  assert.equal(reloaded.requestAddress(txn, 'net', p6.subnet), 'fd00:1::7/64');
  await assert.rejects(
    Promise.resolve().then(() => reloaded.requestAddress(txn, 'net', p4.subnet, '172.17.0.2')),
    rejectsWith('forbidden', 'Address already in use'),
  );
  assert.equal(reloaded.requestAddress(txn, 'net', p4.subnet, '172.17.0.6'), '172.17.0.6/16', 'released before the restart');
  reloaded.releasePool(txn, 'net', p6.subnet);
  await txn.commit(store);
  assert.deepEqual(await store.list('ipam/addrs/fd00'), [], 'releasing a pool drops its address records');
  assert.deepEqual(await store.list('ipam/pools/fd00'), []);
});
