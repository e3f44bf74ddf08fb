import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DnsRegistry, type Resolution } from './registry.js';
import { endpointRecord as ep } from './testing.js';

const addrs = (r: Resolution) => (r.kind === 'found' ? r.answers.map((a) => a.address) : r.kind);

/** The seed scenario: container1 on the default bridge; 2 and 3 on isolated_nw; 2 also on bridge. */
function seed() {
  const r = new DnsRegistry();
  const c1 = ep('container1', 'bridge', '172.17.0.2/16');
  const c2b = ep('container2', 'bridge', '172.17.0.3/16');
  const c2 = ep('container2', 'isolated_nw', '172.25.0.2/16');
  const c3 = ep('container3', 'isolated_nw', '172.25.0.3/16', { ipv6: '2001:db8::3/64' });
  for (const e of [c1, c2b, c2, c3]) r.upsertEndpoint(e);
  return { r, c1, c2, c3 };
}

describe('DnsRegistry', () => {
  it('resolves a sandbox by name and NAME.NETWORK from a sandbox on the same network', () => {
    const { r } = seed();
    assert.deepEqual(addrs(r.resolve('sb-container2', 'container3', 'A')), ['172.25.0.3']);
    assert.deepEqual(addrs(r.resolve('sb-container2', 'container3.isolated_nw', 'A')), ['172.25.0.3']);
    assert.deepEqual(addrs(r.resolve('sb-container2', 'container3.isolated_nw.', 'A')), ['172.25.0.3']);
    assert.deepEqual(addrs(r.resolve('sb-container2', 'container3-host', 'A')), ['172.25.0.3']);
  });

  it('is case-insensitive', () => {
    const { r } = seed();
    assert.deepEqual(addrs(r.resolve('sb-container2', 'CONTAINER3.Isolated_NW', 'A')), ['172.25.0.3']);
  });

  it('gives no names on the default bridge and none across networks', () => {
    const { r } = seed();
    assert.equal(addrs(r.resolve('sb-container3', 'container1', 'A')), 'nxdomain');
    assert.equal(addrs(r.resolve('sb-container2', 'container1', 'A')), 'nxdomain');
    assert.equal(addrs(r.resolve('sb-container1', 'container2', 'A')), 'nxdomain');
    assert.equal(addrs(r.resolve('sb-container2', 'container3.bridge', 'A')), 'nxdomain');
    assert.equal(addrs(r.resolve('sb-unknown', 'container3', 'A')), 'nxdomain');
  });

  it('tells NODATA (name without that family) from NXDOMAIN', () => {
    const { r } = seed();
    assert.deepEqual(addrs(r.resolve('sb-container2', 'container3', 'AAAA')), ['2001:db8::3']);
    assert.equal(addrs(r.resolve('sb-container3', 'container2', 'AAAA')), 'nodata');
    assert.equal(addrs(r.resolve('sb-container3', 'container2.isolated_nw', 'AAAA')), 'nodata');
    assert.equal(addrs(r.resolve('sb-container3', 'nobody', 'AAAA')), 'nxdomain');
  });

  it('forgets at once on disconnect, rename and removal', () => {
    const { r, c3 } = seed();
    r.renameSandbox('sb-container3', 'renamed');
    assert.equal(addrs(r.resolve('sb-container2', 'container3', 'A')), 'nxdomain');
    assert.deepEqual(addrs(r.resolve('sb-container2', 'renamed', 'A')), ['172.25.0.3']);
    assert.equal(r.reverse('sb-container2', '172.25.0.3'), 'renamed.isolated_nw');
    r.removeEndpoint(c3.endpointId);
    assert.equal(addrs(r.resolve('sb-container2', 'renamed', 'A')), 'nxdomain');
    assert.equal(r.reverse('sb-container2', '172.25.0.3'), undefined);
    r.removeSandbox('sb-container2');
    assert.deepEqual(r.records('isolated_nw'), []);
  });

  it('serves aliases on their own network only, and all holders of a shared alias in rotation', () => {
    const r = new DnsRegistry();
    r.upsertEndpoint(ep('client', 'app', '10.1.0.9'));
    r.upsertEndpoint(ep('other', 'elsewhere', '10.2.0.9', { aliases: ['web'] }));
    for (let i = 1; i <= 3; i++) r.upsertEndpoint(ep(`web${i}`, 'app', `10.1.0.${i}`, { aliases: ['web', 'WWW'] }));
    const seen = [1, 2, 3, 4].map(() => addrs(r.resolve('sb-client', 'web', 'A')) as string[]);
    for (const s of seen) assert.deepEqual([...s].sort(), ['10.1.0.1', '10.1.0.2', '10.1.0.3']);
    assert.deepEqual(
      seen.map((s) => s[0]),
      ['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.1'],
    );
    assert.equal((addrs(r.resolve('sb-client', 'www.app', 'A')) as string[]).length, 3);
  });

  it('answers PTR with NAME.NETWORK for IPv4 and IPv6, only on shared networks', () => {
    const { r } = seed();
    assert.equal(r.reverse('sb-container2', '172.25.0.3'), 'container3.isolated_nw');
    assert.equal(r.reverse('sb-container2', '2001:0db8:0000:0000:0000:0000:0000:0003'), 'container3.isolated_nw');
    assert.equal(r.reverse('sb-container3', '172.17.0.2'), undefined);
  });

  it('lists records per network for cnm dns ls', () => {
    const { r } = seed();
    const recs = r.records('isolated_nw');
    assert.deepEqual(
      recs.filter((x) => x.sandbox === 'container3').map((x) => `${x.name} ${x.type} ${x.address}`),
      ['container3 A 172.25.0.3', 'container3 AAAA 2001:db8::3', 'container3-host A 172.25.0.3', 'container3-host AAAA 2001:db8::3'],
    );
    assert.equal(r.records('bridge').length, 0);
    assert.deepEqual(r.records('net-isolated_nw'), recs);
  });

  it('forwards only for sandboxes on a non-internal user-defined network', () => {
    const r = new DnsRegistry();
    r.upsertEndpoint(ep('a', 'secret', '10.3.0.2', { internal: true }));
    r.setUpstreams('sb-a', ['192.0.2.53']);
    assert.deepEqual(r.forwarding('sb-a'), { upstreams: ['192.0.2.53'], allowed: false });
    r.upsertEndpoint(ep('a', 'open', '10.4.0.2'));
    assert.equal(r.forwarding('sb-a').allowed, true);
  });

  it('rejects an address that is not one', () => {
    const r = new DnsRegistry();
    assert.throws(() => r.upsertEndpoint(ep('x', 'app', '10.1.0.300')), /invalid IPv4 address/);
  });

  it('keeps lookups flat with 1,000 sandboxes on one network', () => {
    const r = new DnsRegistry();
    for (let i = 0; i < 1000; i++) r.upsertEndpoint(ep(`s${i}`, 'big', `10.9.${i >> 8}.${i & 255}`));
    const t = process.hrtime.bigint();
    for (let i = 0; i < 100_000; i++) r.resolve('sb-s0', `s${i % 1000}`, 'A');
    const perQueryUs = Number(process.hrtime.bigint() - t) / 1e3 / 100_000;
    assert.ok(perQueryUs < 5, `resolve took ${perQueryUs.toFixed(2)} µs per query`);
  });
});
