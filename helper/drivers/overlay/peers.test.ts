// vxlan0's peer table reconciled with the cluster store's list, on a fake table that behaves like
// the kernel's (add replaces, del of a missing entry is fine). The real kernel: test/integration/overlay-tls.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterEndpoint } from '../../../model/cnm.js';
import type { FdbSpec, NeighbourEntry, NeighbourSpec } from '../../kernel/netlink/netlink.js';
import { reconcilePeers, staleEntries, type PeerTable } from './peers.js';

const peer = (n: number, vtep = '10.233.0.2'): ClusterEndpoint => ({
  networkId: 'net',
  endpointId: `ep${n}`,
  sandboxId: `sb${n}`,
  name: `s${n}`,
  hostname: `s${n}`,
  aliases: [],
  ipv4: `10.0.0.${n}/24`,
  mac: `02:42:0a:00:00:0${n}`,
  host: 'hosta',
  vtep,
});

/** The kernel's table of one vxlan0, keyed like the kernel keys it. */
class FakeTable implements PeerTable {
  readonly entries = new Map<string, NeighbourEntry>();
  readonly calls: string[] = [];
  private static key = (e: { ip?: string; mac: string; on?: string }) => (e.ip !== undefined ? `ip ${e.ip}` : `${e.on} ${e.mac}`);
  put(e: Omit<NeighbourEntry, 'ifname'>) {
    this.entries.set(FakeTable.key(e), { ifname: 'vxlan0', ...e });
  }
  async neighbour(op: 'add' | 'del', n: NeighbourSpec) {
    this.calls.push(`${op} neigh ${n.ip}`);
    if (op === 'add') this.put({ ip: n.ip, mac: n.mac, state: 'permanent' });
    else this.entries.delete(FakeTable.key(n));
  }
  async fdb(op: 'add' | 'del', f: FdbSpec) {
    this.calls.push(`${op} fdb ${f.on} ${f.mac}`);
    if (op === 'add') this.put({ mac: f.mac, on: f.on, dst: f.dst, state: f.on === 'self' ? 'permanent' : 'static' });
    else this.entries.delete(FakeTable.key(f));
  }
  async listNeighbours() {
    return [...this.entries.values()];
  }
  sorted() {
    return [...this.entries.values()].map((e) => [e.ip ?? e.on, e.mac, e.dst, e.state].filter(Boolean).join(' ')).sort();
  }
}

test('reconcile: entries of endpoints gone from the store go, current ones stay or come back, the kernel’s own stay', async () => {
  const t = new FakeTable();
  const [kept, gone, added] = [peer(2), peer(3), peer(4)];
  for (const p of [kept, gone]) {
    await t.neighbour('add', { ifname: 'vxlan0', ip: p.ipv4!.split('/')[0]!, mac: p.mac });
    await t.fdb('add', { ifname: 'vxlan0', mac: p.mac, dst: p.vtep, on: 'self' });
    await t.fdb('add', { ifname: 'vxlan0', mac: p.mac, on: 'master' });
  }
  t.put({ mac: 'aa:bb:cc:00:00:01', on: 'master', state: 'permanent' }); // vxlan0's own address in br0
  t.put({ mac: 'aa:bb:cc:00:00:02', on: 'master', state: 'learned' }); // learned by br0: ages out by itself
  t.put({ ip: '10.0.0.9', mac: 'aa:bb:cc:00:00:09', state: 'learned' });
  t.calls.length = 0;

  assert.equal(await reconcilePeers(t, [kept, added]), 3, 'the three entries of the endpoint that left');
  assert.deepEqual(t.calls.slice(0, 3), ['del neigh 10.0.0.3', 'del fdb self 02:42:0a:00:00:03', 'del fdb master 02:42:0a:00:00:03']);
  assert.deepEqual(t.sorted(), [
    '10.0.0.2 02:42:0a:00:00:02 permanent',
    '10.0.0.4 02:42:0a:00:00:04 permanent',
    '10.0.0.9 aa:bb:cc:00:00:09 learned',
    'master 02:42:0a:00:00:02 static',
    'master 02:42:0a:00:00:04 static',
    'master aa:bb:cc:00:00:01 permanent',
    'master aa:bb:cc:00:00:02 learned',
    'self 02:42:0a:00:00:02 10.233.0.2 permanent',
    'self 02:42:0a:00:00:04 10.233.0.2 permanent',
  ]);
  assert.equal(await reconcilePeers(t, [kept, added]), 0, 'a second pass finds nothing');
  // Entries lost from the kernel are made again even when nothing is stale.
  t.entries.delete('ip 10.0.0.2');
  await reconcilePeers(t, [kept, added]);
  assert.ok(t.entries.has('ip 10.0.0.2'));
});

test('stale: a peer whose VTEP or MAC changed keeps nothing of the old entries; no peers means every cnm entry', () => {
  const before = peer(2, '10.233.0.2');
  const entries: NeighbourEntry[] = [
    { ifname: 'vxlan0', ip: '10.0.0.2', mac: before.mac, state: 'permanent' },
    { ifname: 'vxlan0', mac: before.mac, on: 'self', dst: '10.233.0.2', state: 'permanent' },
    { ifname: 'vxlan0', mac: before.mac, on: 'master', state: 'static' },
  ];
  const moved = peer(2, '10.233.0.7');
  assert.deepEqual(
    staleEntries(entries, [moved]).map((e) => e.on ?? 'neigh'),
    ['self'],
    'the tunnel to the old VTEP',
  );
  assert.deepEqual(
    staleEntries(entries, [{ ...before, mac: '02:42:0a:00:00:99' }]).map((e) => e.on ?? 'neigh'),
    ['neigh', 'self', 'master'],
  );
  assert.equal(staleEntries(entries, []).length, 3);
});
