// The embedded DNS against real namespaces and real `dig` (needs root, iproute2, bind9-dnsutils).
// Layout: sandbox netns `sb` (the DnsServer listens there), a second sandbox `sb3`, and an
// `up` netns running a fake upstream resolver, joined to `sb` by a veth pair (10.253.0.0/24).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type dgram from 'node:dgram';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import { socketInNetns } from '../kernel/netns/sockets.js';
import { DnsRegistry } from './registry.js';
import { DnsServer } from './server.js';
import { TestNetns, dig, endpointRecord as ep, linkNamespaces } from './testing.js';
import { udpOnFd } from './udp.js';
import { TcpFramer, tcpFrame } from './wire.js';
import { needsRoot } from '../../test/root.js';

const UPSTREAM = '10.253.0.2';
const DEAD_UPSTREAM = '10.253.0.99'; // on the link, nobody there: queries time out
const NSID = 'fake-upstream';

/** A resolver in its own netns: A 192.0.2.1 for example.test, NXDOMAIN otherwise; NSID in OPT. */
class FakeUpstream {
  readonly seen: dnsPacket.Packet[] = [];
  private udp?: dgram.Socket;
  private tcp?: net.Server;

  async start(ns: TestNetns): Promise<void> {
    this.udp = await udpOnFd(socketInNetns(ns.path, 'udp', { address: UPSTREAM, port: 53 }), 4);
    this.udp.on('message', (msg, rinfo) => this.udp!.send(this.answer(msg), rinfo.port, rinfo.address));
    this.tcp = net.createServer((c) => {
      const framer = new TcpFramer();
      c.on('data', (chunk) => framer.push(chunk).forEach((m) => c.write(tcpFrame(this.answer(m)))));
    });
    await new Promise<void>((resolve) => this.tcp!.listen({ fd: socketInNetns(ns.path, 'tcp', { address: UPSTREAM, port: 53 }) }, resolve));
  }

  private answer(msg: Buffer): Buffer {
    const q = dnsPacket.decode(msg);
    this.seen.push(q);
    const name = q.questions![0].name;
    const known = name === 'example.test';
    return dnsPacket.encode({
      id: q.id,
      type: 'response',
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (known ? 0 : 3),
      questions: q.questions,
      answers: known ? [{ type: 'A', name, ttl: 42, data: '192.0.2.1' }] : [],
      additionals: [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: 3333,
          extendedRcode: 0,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [{ code: 3, data: Buffer.from(NSID) }],
        } as never,
      ],
    });
  }

  close(): void {
    this.udp?.close();
    this.tcp?.close();
  }
}

describe('DnsServer in real namespaces', needsRoot, () => {
  let sb: TestNetns;
  let sb3: TestNetns;
  let up: TestNetns;
  const registry = new DnsRegistry();
  const server = new DnsServer(registry);
  const upstream = new FakeUpstream();

  before(async () => {
    sb = new TestNetns();
    sb3 = new TestNetns();
    up = new TestNetns();
    linkNamespaces(sb, `10.253.0.1/24`, up, `${UPSTREAM}/24`);
    await upstream.start(up);
    // container1 only on the default bridge; container2 and 3 on isolated_nw (the seed scenario).
    registry.upsertEndpoint(ep('container1', 'bridge', '172.17.0.2/16'));
    registry.upsertEndpoint(ep('container2', 'bridge', '172.17.0.3/16'));
    registry.upsertEndpoint(ep('container2', 'isolated_nw', '172.25.0.2/16', { ipv6: 'fd00:25::2/64' }));
    registry.upsertEndpoint(ep('container3', 'isolated_nw', '172.25.0.3/16'));
    for (let i = 1; i <= 3; i++) registry.upsertEndpoint(ep(`web${i}`, 'isolated_nw', `172.25.1.${i}`, { aliases: ['web'] }));
    for (let i = 1; i <= 60; i++) registry.upsertEndpoint(ep(`m${i}`, 'isolated_nw', `172.25.2.${i}`, { aliases: ['many'] }));
    registry.upsertEndpoint(ep('vault', 'secret', '10.99.0.2', { internal: true }));
    registry.setUpstreams('sb-container2', [UPSTREAM]);
    registry.setUpstreams('sb-vault', [UPSTREAM]);
    await server.attach('sb-container2', sb.path);
  });

  after(async () => {
    await server.close();
    upstream.close();
    for (const ns of [sb, sb3, up]) ns?.remove();
  });

  it('listens at 127.0.0.11:53 inside the sandbox netns only', () => {
    const inside = sb.exec(['ss', '-lntup']);
    assert.match(inside, /udp\s+UNCONN.*127\.0\.0\.11:53/);
    assert.match(inside, /tcp\s+LISTEN.*127\.0\.0\.11:53/);
    assert.doesNotMatch(execFileSync('ss', ['-lntup'], { encoding: 'utf8' }), /127\.0\.0\.11:53/);
  });

  it('resolves container3 and container3.isolated_nw with TTL 600, A and AAAA', async () => {
    const a = await dig(sb, ['container3', 'A']);
    assert.equal(a.status, 'NOERROR');
    assert.deepEqual(a.answers, ['172.25.0.3']);
    assert.deepEqual(a.ttls, [600]);
    assert.deepEqual((await dig(sb, ['CONTAINER3.isolated_nw', 'A'])).answers, ['172.25.0.3']);
    assert.deepEqual((await dig(sb, ['container2', 'AAAA'])).answers, ['fd00:25::2']);
  });

  it('answers NOERROR with no records for a name without that family', async () => {
    const r = await dig(sb, ['container3', 'AAAA']);
    assert.equal(r.status, 'NOERROR');
    assert.deepEqual(r.answers, []);
  });

  it('does not resolve a sandbox only on the default bridge (forwarded: upstream says NXDOMAIN)', async () => {
    const r = await dig(sb, ['container1', 'A']);
    assert.equal(r.status, 'NXDOMAIN');
    assert.equal(upstream.seen.at(-1)?.questions?.[0].name, 'container1');
  });

  it('answers PTR in in-addr.arpa and ip6.arpa', async () => {
    assert.deepEqual((await dig(sb, ['-x', '172.25.0.3'])).answers, ['container3.isolated_nw.']);
    assert.deepEqual((await dig(sb, ['-x', 'fd00:25::2'])).answers, ['container2.isolated_nw.']);
  });

  it('rotates the holders of a shared alias across queries', async () => {
    const firsts = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const r = await dig(sb, ['web', 'A']);
      assert.deepEqual([...r.answers].sort(), ['172.25.1.1', '172.25.1.2', '172.25.1.3']);
      firsts.add(r.answers[0]);
    }
    assert.equal(firsts.size, 3);
  });

  it('truncates 60 records over UDP and gives all of them over TCP', async () => {
    const udp = await dig(sb, ['+ignore', '+noedns', 'many', 'A']);
    assert.ok(udp.flags.includes('tc'), `flags: ${udp.flags}`);
    assert.ok(udp.answers.length < 60 && udp.answers.length > 0);
    const retried = await dig(sb, ['+noedns', 'many', 'A']);
    assert.match(retried.raw, /Truncated, retrying in TCP mode/);
    assert.equal(new Set(retried.answers).size, 60);
  });

  it('forwards other names over UDP and TCP, passing EDNS through', async () => {
    for (const transport of ['+notcp', '+tcp']) {
      const r = await dig(sb, [transport, '+bufsize=1234', '+nsid', 'example.test', 'A']);
      assert.equal(r.status, 'NOERROR');
      assert.deepEqual(r.answers, ['192.0.2.1']);
      assert.deepEqual(r.ttls, [42]);
      assert.match(r.raw, /udp: 3333/);
      assert.match(r.raw, new RegExp(`NSID: .*${NSID}`));
      const opt = upstream.seen.at(-1)?.additionals?.find((x) => x.type === 'OPT') as { udpPayloadSize: number } | undefined;
      assert.equal(opt?.udpPayloadSize, 1234);
    }
  });

  it('answers SERVFAIL within 2 s when the upstream is unreachable', async () => {
    registry.setUpstreams('sb-container2', [DEAD_UPSTREAM]);
    try {
      const t = Date.now();
      const r = await dig(sb, ['example.test', 'A']);
      const ms = Date.now() - t;
      assert.equal(r.status, 'SERVFAIL');
      assert.ok(ms < 2000, `took ${ms} ms`);
    } finally {
      registry.setUpstreams('sb-container2', [UPSTREAM]);
    }
  });

  it('does not forward from a sandbox on an internal network only', async () => {
    await server.attach('sb-vault', sb3.path);
    const before = upstream.seen.length;
    const r = await dig(sb3, ['example.test', 'A']);
    assert.equal(r.status, 'SERVFAIL');
    assert.equal(upstream.seen.length, before);
    assert.deepEqual((await dig(sb3, ['vault', 'A'])).answers, ['10.99.0.2']);
  });

  it('sees a disconnect on the next query', async () => {
    const c3 = registry.records('isolated_nw').find((r) => r.sandbox === 'container3');
    assert.ok(c3);
    registry.removeSandbox('sb-container3');
    assert.equal((await dig(sb, ['container3.isolated_nw', 'A'])).status, 'NXDOMAIN');
  });

  it('stops listening on detach', async () => {
    await server.detach('sb-vault');
    assert.doesNotMatch(sb3.exec(['ss', '-lntup']), /127\.0\.0\.11:53/);
    assert.deepEqual(server.attached(), ['sb-container2']);
  });
});
