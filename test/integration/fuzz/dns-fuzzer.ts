// Run inside a sandbox's netns (nsenter --net): sends generated malformed DNS packets of every kind
// to the embedded DNS at 127.0.0.11:53 over UDP and TCP, then checks it still answers a good
// query. Prints one JSON line: {udp, tcp, replies, answered: {udp, tcp}, ms}.
// argv: seed, known name, known address (for PTR), UDP packet count, TCP connection count.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { Random } from './random.js';

const [seed, knownName, knownAddr, udpCount, tcpConns] = process.argv.slice(2);
const rnd = new Random(Number(seed));
const SERVER = { address: '127.0.0.11', port: 53 };
const QTYPES = [1, 2, 5, 6, 12, 15, 16, 28, 33, 41, 43, 46, 48, 52, 65, 99, 255, 256, 0, 65535];
const ptrName = knownAddr!.split('.').reverse().join('.') + '.in-addr.arpa';

function header(id: number, flags: number, qd: number, an: number, ns: number, ar: number): Buffer {
  const h = Buffer.alloc(12);
  [id, flags, qd, an, ns, ar].forEach((v, i) => h.writeUInt16BE(v & 0xffff, i * 2));
  return h;
}

function encodeName(name: string): Buffer {
  const parts = name
    .split('.')
    .filter(Boolean)
    .map((l) => Buffer.concat([Buffer.from([l.length & 0xff]), Buffer.from(l)]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function question(name: Buffer, qtype: number, qclass = 1): Buffer {
  const t = Buffer.alloc(4);
  t.writeUInt16BE(qtype, 0);
  t.writeUInt16BE(qclass, 2);
  return Buffer.concat([name, t]);
}

/** An OPT record: root name, type 41, class = UDP size, ttl, RDLENGTH (maybe a lie), then `data`. */
function opt(rdlength: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const r = Buffer.alloc(11);
  r.writeUInt16BE(41, 1);
  r.writeUInt16BE(rnd.pick([0, 512, 1232, 4096, 65535]), 3);
  r.writeUInt16BE(rdlength & 0xffff, 9);
  return Buffer.concat([r, data]);
}

const knownQuery = () => rnd.pick([question(encodeName(ptrName), 12), question(encodeName(knownName!), rnd.pick([1, 28]))]);

/** One malformed (or odd) packet of a randomly chosen kind. */
function packet(): Buffer {
  const id = rnd.int(65536);
  switch (rnd.int(10)) {
    case 0: // random bytes
      return rnd.bytes(rnd.int(600));
    case 1: {
      // a good query cut short
      const p = Buffer.concat([header(id, 0x0100, 1, 0, 0, 1), knownQuery(), opt(0)]);
      return p.subarray(0, rnd.int(p.length));
    }
    case 2: // lying counts
      return Buffer.concat([header(id, 0x0100, rnd.int(65536), rnd.int(65536), rnd.int(65536), rnd.int(65536)), knownQuery()]);
    case 3: {
      // compression pointers: to itself, past the end, a loop of two
      const name = rnd.pick([
        Buffer.from([0xc0, 0x0c]),
        Buffer.from([0xc0 | rnd.int(64), rnd.int(256)]),
        Buffer.from([1, 0x61, 0xc0, 0x0c]),
        Buffer.from([0xc0, 0x0e, 0xc0, 0x0c]),
      ]);
      return Buffer.concat([header(id, 0x0100, 1, 0, 0, 0), question(name, rnd.pick(QTYPES))]);
    }
    case 4: {
      // labels too long, names too long, a length past the end
      const name = rnd.pick([
        Buffer.concat([Buffer.from([64 + rnd.int(192)]), rnd.bytes(rnd.int(300))]),
        encodeName(Array.from({ length: 140 }, () => 'ab').join('.')),
        Buffer.from([63, 0x61]),
      ]);
      return Buffer.concat([header(id, 0x0100, 1, 0, 0, 0), question(name, rnd.pick(QTYPES))]);
    }
    case 5: {
      // EDNS: RDLENGTH past the end (the old crash), junk options, two OPT records
      const q = knownQuery();
      const kind = rnd.int(3);
      if (kind === 0) return Buffer.concat([header(id, 0x0100, 1, 0, 0, 1), q, opt(1 + rnd.int(65535))]);
      if (kind === 1) return Buffer.concat([header(id, 0x0100, 1, 0, 0, 1), q, opt(8, rnd.bytes(8))]);
      return Buffer.concat([header(id, 0x0100, 1, 0, 0, 2), q, opt(0), opt(rnd.int(65536))]);
    }
    case 6: // every qtype and class for our names
      return Buffer.concat([
        header(id, 0x0100, 1, 0, 0, 0),
        question(encodeName(rnd.pick([knownName!, ptrName, 'x.y'])), rnd.int(65536), rnd.pick([1, 3, 255, rnd.int(65536)])),
      ]);
    case 7: // responses, other opcodes, Z and rcode bits
      return Buffer.concat([header(id, rnd.int(65536), 1, 0, 0, 0), knownQuery()]);
    case 8: {
      // a good query with a few bytes flipped
      const p = Buffer.concat([header(id, 0x0100, 1, 0, 0, 1), knownQuery(), opt(0)]);
      for (let i = rnd.int(4) + 1; i > 0; i--) p[rnd.int(p.length)] = rnd.int(256);
      return p;
    }
    default: // answers and authority records in a query
      return Buffer.concat([header(id, 0x0100, 1, 1, 1, 0), knownQuery(), encodeName(knownName!), rnd.bytes(10 + rnd.int(20))]);
  }
}

const goodQuery = (id: number) =>
  dnsPacket.encode({ id, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: knownName!, type: 'A' }] });
const answerOf = (m: Buffer) => (dnsPacket.decode(m).answers ?? []).map((a) => (a as { data?: unknown }).data);

async function fuzzUdp(count: number): Promise<{ sent: number; replies: number; answered: unknown[] }> {
  const sock = dgram.createSocket('udp4');
  let replies = 0;
  let answered: unknown[] = [];
  sock.on('message', (m) => {
    replies++;
    if (m.readUInt16BE(0) === 0xbeef) answered = answerOf(m);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  for (let i = 0; i < count; i++) {
    sock.send(packet(), SERVER.port, SERVER.address);
    if (i % 100 === 99) await new Promise((r) => setTimeout(r, 2)); // paced: drops by a full buffer test nothing
  }
  await new Promise((r) => setTimeout(r, 300));
  for (let i = 0; i < 5 && answered.length === 0; i++) {
    sock.send(goodQuery(0xbeef), SERVER.port, SERVER.address);
    await new Promise((r) => setTimeout(r, 200));
  }
  sock.close();
  return { sent: count, replies, answered };
}

/** One TCP connection carrying framing errors: lengths past the data, zero lengths, split frames, garbage. */
function tcpSession(): Promise<number> {
  return new Promise((resolve) => {
    const c = net.connect({ host: SERVER.address, port: SERVER.port });
    let frames = 0;
    c.on('error', () => undefined);
    c.on('data', () => undefined);
    c.on('close', () => resolve(frames));
    c.on('connect', () => {
      const chunks: Buffer[] = [];
      for (let i = rnd.int(20) + 1; i > 0; i--) {
        const p = packet();
        const len = Buffer.alloc(2);
        const kind = rnd.int(4);
        len.writeUInt16BE(kind === 0 ? rnd.int(65536) : kind === 1 ? 0 : p.length);
        chunks.push(len, kind === 1 ? Buffer.alloc(0) : p);
        frames++;
      }
      const all = Buffer.concat(chunks);
      // Written in random pieces (frames split anywhere), then the connection is closed mid-frame or not.
      for (let off = 0; off < all.length;) {
        const n = 1 + rnd.int(200);
        c.write(all.subarray(off, off + n));
        off += n;
      }
      setTimeout(() => c.destroy(), 20);
    });
  });
}

async function tcpGood(): Promise<unknown[]> {
  return new Promise((resolve) => {
    const c = net.connect({ host: SERVER.address, port: SERVER.port });
    let buf = Buffer.alloc(0);
    c.on('error', () => resolve([]));
    c.setTimeout(2000, () => (c.destroy(), resolve([])));
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        resolve(answerOf(buf.subarray(2, 2 + buf.readUInt16BE(0))));
        c.destroy();
      }
    });
    c.on('connect', () => {
      const q = goodQuery(0xbeef);
      const len = Buffer.alloc(2);
      len.writeUInt16BE(q.length);
      c.write(Buffer.concat([len, q]));
    });
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const udp = await fuzzUdp(Number(udpCount));
  let tcpFrames = 0;
  for (let i = 0; i < Number(tcpConns); i += 10) {
    const batch = await Promise.all(Array.from({ length: 10 }, () => tcpSession()));
    tcpFrames += batch.reduce((a, b) => a + b, 0);
  }
  const tcpAnswer = await tcpGood();
  process.stdout.write(
    JSON.stringify({
      udp: udp.sent,
      tcp: tcpFrames,
      replies: udp.replies,
      answered: { udp: udp.answered, tcp: tcpAnswer },
      ms: Date.now() - started,
    }) + '\n',
  );
}

void main();
