import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Demuxer, frame, type StreamId } from './stdcopy.js';

test('frames survive being split at every byte and glued together', () => {
  const wire = Buffer.concat([frame(1, Buffer.from('out')), frame(2, Buffer.from('err!')), frame(1, Buffer.alloc(0))]);
  for (let cut = 0; cut <= wire.length; cut++) {
    const got: [StreamId, string][] = [];
    const d = new Demuxer((s, b) => got.push([s, b.toString()]));
    d.push(wire.subarray(0, cut));
    d.push(wire.subarray(cut));
    assert.deepEqual(got, [
      [1, 'out'],
      [2, 'err!'],
      [1, ''],
    ]);
    assert.equal(d.leftover, 0);
  }
});

test('an unknown stream id is a clear error', () => {
  const bad = frame(1, Buffer.from('x'));
  bad[0] = 7;
  assert.throws(() => new Demuxer(() => {}).push(bad), /unknown stream id 7/);
});
