// The nfnetlink attribute reader of monitor.ts, on messages built by hand (the real notifications
// are tested end to end in test/integration/heal.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nfAttributes } from './monitor.js';

function attr(type: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(4 + payload.length, 0);
  head.writeUInt16LE(type, 2);
  const pad = Buffer.alloc((4 - (payload.length % 4)) % 4);
  return Buffer.concat([head, payload, pad]);
}

test('attributes after the nfgenmsg header, padding and nested flag bits handled', () => {
  const pid = Buffer.alloc(4);
  pid.writeUInt32BE(4242);
  const msg = Buffer.concat([
    Buffer.from([1, 0, 0, 0]),
    attr(1, Buffer.from('cnm\0')),
    attr(2 | 0x8000, pid),
    attr(3, Buffer.from('nft\0')),
  ]);
  const a = nfAttributes(msg);
  assert.equal(a.get(1)?.toString(), 'cnm\0');
  assert.equal(a.get(2)?.readUInt32BE(0), 4242);
  assert.equal(a.get(3)?.toString(), 'nft\0');
});

test('a truncated attribute ends the list instead of throwing', () => {
  const msg = Buffer.concat([Buffer.from([1, 0, 0, 0]), attr(1, Buffer.from('cnm\0')), Buffer.from([40, 0, 2, 0, 1])]);
  assert.deepEqual([...nfAttributes(msg).keys()], [1]);
});
