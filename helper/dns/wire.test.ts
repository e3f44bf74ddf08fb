import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import * as wire from './wire.js';

const { RCODE_NOERROR, TYPE_A, TcpFramer, answerOddQuery, buildAnswer, buildPtrAnswer, parseQuery, ptrToAddress, sizeLimit, tcpFrame } =
  wire;

const query = (name: string, type: 'A' | 'AAAA' | 'PTR', edns?: number) =>
  dnsPacket.encode({
    id: 4242,
    type: 'query',
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
    additionals: edns
      ? [{ type: 'OPT', name: '.', udpPayloadSize: edns, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }]
      : [],
  });

/** name, type, ttl, data of each record (dns-packet's Answer union hides ttl/data). */
const rows = (answers: dnsPacket.Answer[] | undefined) =>
  (answers ?? []).map((a) => {
    const r = a as unknown as { name: string; type: string; ttl: number; data: unknown };
    return [r.name, r.type, r.ttl, r.data];
  });

const v4 = (i: number) => ({ bytes: Uint8Array.from([10, 0, 0, i]) });

describe('wire', () => {
  it('parses a one-question query by hand, lower-casing the name', () => {
    const q = parseQuery(query('Web.App', 'A', 1400))!;
    assert.equal(q.id, 4242);
    assert.equal(q.name, 'web.app');
    assert.equal(q.qtype, TYPE_A);
    assert.equal(q.rd, true);
    assert.equal(q.ednsSize, 1400);
    assert.equal(sizeLimit(q, false), 1400);
    assert.equal(sizeLimit(parseQuery(query('x', 'A'))!, false), 512);
  });

  it('builds an answer dns-packet reads back, keeping the question as sent and adding OPT', () => {
    const msg = query('Web.App', 'A', 1400);
    const out = dnsPacket.decode(buildAnswer(msg, parseQuery(msg)!, RCODE_NOERROR, [v4(1), v4(2)], 1400));
    assert.equal(out.id, 4242);
    assert.equal(out.questions![0].name, 'Web.App');
    assert.deepEqual(rows(out.answers), [
      ['Web.App', 'A', 600, '10.0.0.1'],
      ['Web.App', 'A', 600, '10.0.0.2'],
    ]);
    assert.equal(out.additionals![0].type, 'OPT');
    assert.equal(out.flag_tc, false);
  });

  it('drops records that do not fit and sets TC', () => {
    const msg = query('many', 'A');
    const q = parseQuery(msg)!;
    const records = Array.from({ length: 60 }, (_, i) => v4(i));
    const udp = buildAnswer(msg, q, RCODE_NOERROR, records, sizeLimit(q, false));
    assert.ok(udp.length <= 512);
    const decoded = dnsPacket.decode(udp);
    assert.equal(decoded.flag_tc, true);
    assert.ok(decoded.answers!.length < 60);
    assert.equal(dnsPacket.decode(buildAnswer(msg, q, RCODE_NOERROR, records, sizeLimit(q, true))).answers!.length, 60);
  });

  it('refuses what the fast path does not handle, and answers FORMERR for two questions', () => {
    const two = dnsPacket.encode({
      id: 7,
      type: 'query',
      questions: [
        { name: 'a', type: 'A' },
        { name: 'b', type: 'A' },
      ],
    });
    assert.equal(parseQuery(two), undefined);
    const out = dnsPacket.decode(answerOddQuery(two)!);
    assert.equal(out.id, 7);
    assert.equal((out as { rcode?: string }).rcode, 'FORMERR');
    assert.equal(answerOddQuery(Buffer.from([1, 2, 3])), undefined);
  });

  it('maps PTR names to addresses and answers them', () => {
    assert.equal(ptrToAddress('3.0.25.172.in-addr.arpa'), '172.25.0.3');
    assert.equal(
      ptrToAddress('2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.2.0.0.0.0.d.f.ip6.arpa'),
      'fd00:0025:0000:0000:0000:0000:0000:0002',
    );
    assert.equal(ptrToAddress('300.0.25.172.in-addr.arpa'), undefined);
    assert.equal(ptrToAddress('example.com'), undefined);
    const msg = query('3.0.25.172.in-addr.arpa', 'PTR');
    const out = dnsPacket.decode(buildPtrAnswer(msg, parseQuery(msg)!, 'container3.isolated_nw')!);
    assert.deepEqual(rows(out.answers), [['3.0.25.172.in-addr.arpa', 'PTR', 600, 'container3.isolated_nw']]);
  });

  it('reassembles TCP frames split across chunks', () => {
    const a = tcpFrame(Buffer.from('hello'));
    const b = tcpFrame(Buffer.from('dns'));
    const all = Buffer.concat([a, b]);
    const framer = new TcpFramer();
    assert.deepEqual(framer.push(all.subarray(0, 3)), []);
    assert.deepEqual(framer.push(all.subarray(3)).map(String), ['hello', 'dns']);
  });
});

describe('wire: hostile packets', () => {
  it('a PTR query whose OPT RDLENGTH runs past the end is refused by the parser and answered FORMERR', () => {
    const msg = query('2.0.18.172.in-addr.arpa', 'PTR', 1232);
    msg.writeUInt16BE(0xffff, msg.length - 2); // RDLENGTH of the OPT record (its last field: no options)
    assert.equal(parseQuery(msg), undefined);
    const out = dnsPacket.decode(answerOddQuery(msg)!);
    assert.equal(out.id, 4242);
    assert.equal((out as { rcode?: string }).rcode, 'FORMERR');
  });

  it('a PTR target that is no DNS name (a label over 63 bytes) gives no answer instead of a throw', () => {
    const msg = query('2.0.18.172.in-addr.arpa', 'PTR');
    assert.equal(buildPtrAnswer(msg, parseQuery(msg)!, 'x'.repeat(64)), undefined);
    assert.equal(buildPtrAnswer(msg, parseQuery(msg)!, 'a..b'), undefined);
  });

  it('another opcode gets NOTIMP, a response or a short message nothing', () => {
    const msg = query('web', 'A');
    msg.writeUInt16BE(0x2800 | 0x0100, 2); // opcode 5 (UPDATE), RD
    assert.equal((dnsPacket.decode(answerOddQuery(msg)!) as { rcode?: string }).rcode, 'NOTIMP');
    msg.writeUInt16BE(0x8000, 2);
    assert.equal(answerOddQuery(msg), undefined);
    assert.equal(answerOddQuery(Buffer.alloc(11)), undefined);
  });
});
