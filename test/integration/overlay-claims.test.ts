// The cluster store's claims for global networks against a real etcd 3.4, without root: two hosts
// (ClusterGlobals on their own clients and leases) racing for network names, VNIs, subnets and
// endpoint addresses never both win; a refused rm names the endpoints and their hosts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from '../../helper/cluster/cluster.js';
import { parseClusterStore } from '../../helper/cluster/options.js';
import type { ClusterEndpoint, Network } from '../../model/cnm.js';
import { TestEtcd, etcdMissing } from './etcd.js';
import { waitFor } from './wait.js';

const endpoint = (host: string, n: number, ip: string, name = `sb${n}`): ClusterEndpoint => ({
  networkId: 'n'.repeat(64),
  endpointId: `${host}${n}`.padEnd(64, '0'),
  sandboxId: `${host}${n}`.padEnd(64, '1'),
  name,
  hostname: name,
  aliases: [],
  ipv4: `${ip}/24`,
  mac: '02:42:0a:00:00:02',
  host,
  vtep: host === 'ha' ? '10.9.0.1' : '10.9.0.2',
});

test('claims in etcd: racing hosts never share a name, VNI, subnet or address', { skip: etcdMissing }, async () => {
  const etcd = await TestEtcd.create();
  const url = parseClusterStore(etcd.url);
  const [a, b] = [
    Cluster.start({ url, self: { name: 'ha', address: '10.9.0.1', version: 't' } }),
    Cluster.start({ url, self: { name: 'hb', address: '10.9.0.2', version: 't' } }),
  ];
  try {
    for (const c of [a, b]) await waitFor('registered', 10_000, () => (c.health().state === 'up' && c.globals.hostName ? true : undefined));
    await waitFor('leases', 10_000, () => {
      try {
        a.globals.ensureAvailable('x');
        b.globals.ensureAvailable('x');
        return true;
      } catch {
        return undefined;
      }
    });
    // Different names at the same moment: distinct VNIs and subnets.
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).globals.claimNetwork({ id: `${i}`.repeat(64), name: `net${i}`, avoid: [] })),
    );
    assert.equal(new Set(claims.map((c) => c.vni)).size, 6, `VNIs ${claims.map((c) => c.vni).join(' ')}`);
    assert.equal(new Set(claims.map((c) => c.subnet)).size, 6, `subnets ${claims.map((c) => c.subnet).join(' ')}`);
    // The same name from both: exactly one wins, the loser gets Docker's message.
    const same = await Promise.allSettled([
      a.globals.claimNetwork({ id: 'a'.repeat(64), name: 'dup', avoid: [] }),
      b.globals.claimNetwork({ id: 'b'.repeat(64), name: 'dup', avoid: [] }),
    ]);
    assert.equal(same.filter((r) => r.status === 'fulfilled').length, 1);
    const lost = same.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    assert.match(String(lost.reason.message), /network with name dup already exists/);
    // A --subnet overlapping another global network's is refused.
    await assert.rejects(
      a.globals.claimNetwork({ id: 'c'.repeat(64), name: 'over', subnet: claims[0]!.subnet, avoid: [] }),
      /Pool overlaps with other one on this address space/,
    );
    // The same address (and the same sandbox name) from both hosts: one claim wins.
    for (let i = 0; i < 10; i++) {
      const ip = `10.0.0.${i + 2}`;
      const [ra, rb] = await Promise.all([a.globals.claimEndpoint(endpoint('ha', i, ip)), b.globals.claimEndpoint(endpoint('hb', i, ip))]);
      assert.equal(Number(ra.won) + Number(rb.won), 1, `address ${ip}: exactly one winner`);
      const loser = ra.won ? rb : ra;
      assert.equal(loser.won ? '' : loser.address, ip, 'the loser is told which address');
    }
    const clash = await b.globals.claimEndpoint({ ...endpoint('hb', 99, '10.0.0.99'), name: 'sb0' });
    assert.deepEqual(clash.won ? undefined : clash.name, 'sb0', 'a sandbox name is unique on the network');
    // An address held for a host before its endpoint exists (the Docker plugin's IPAM): no other
    // host gets it; that host's endpoint takes the hold over; a hold released frees it.
    const netId = 'n'.repeat(64);
    assert.equal(await a.globals.reserveAddress(netId, '10.0.0.50'), undefined, 'held');
    assert.equal(await a.globals.reserveAddress(netId, '10.0.0.50'), undefined, 'held again by the same host');
    assert.equal(await b.globals.reserveAddress(netId, '10.0.0.50'), 'ha', 'the other host is told who holds it');
    const stolen = await b.globals.claimEndpoint(endpoint('hb', 50, '10.0.0.50'));
    assert.deepEqual(stolen.won ? undefined : [stolen.address, stolen.holder], ['10.0.0.50', 'ha']);
    assert.equal((await a.globals.claimEndpoint(endpoint('ha', 50, '10.0.0.50'))).won, true, "the holder's endpoint takes it over");
    await a.globals.releaseAddress(netId, '10.0.0.50');
    // Releasing a hold leaves the endpoint's claim alone (no watch runs here to name its host).
    assert.notEqual(await b.globals.reserveAddress(netId, '10.0.0.50'), undefined, 'still held by the endpoint');
    assert.equal(await b.globals.reserveAddress(netId, '10.0.0.51'), undefined);
    await b.globals.releaseAddress(netId, '10.0.0.51');
    assert.equal(await a.globals.reserveAddress(netId, '10.0.0.51'), undefined, 'a released hold is free again');
    await a.globals.releaseAddress(netId, '10.0.0.51');
    await a.globals.withdrawEndpoint(endpoint('ha', 50, '10.0.0.50'));

    // rm of a network with endpoints names them and their hosts.
    const net = { id: 'n'.repeat(64), name: 'withEps', ipam: { pools: [] } } as unknown as Network;
    await assert.rejects(a.globals.releaseNetwork(net), /has active endpoints \(.*sb0 on h[ab].*\)/);
  } finally {
    await a.close();
    await b.close();
    await etcd.destroy();
  }
});
