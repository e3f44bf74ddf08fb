import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ordinalSet } from './ordinals.js';

for (const [kind, size] of [
  ['dense', 1n << 10n],
  ['sparse', 1n << 64n],
] as const) {
  test(`${kind}: next free from the cursor, wrapping, across 32-bit words`, () => {
    const s = ordinalSet(size);
    for (let o = 0n; o < 70n; o++) s.add(o);
    assert.equal(s.nextFree(0n, 99n, 0n), 70n, 'skips two full words and part of a third');
    assert.equal(s.nextFree(0n, 99n, 95n), 95n);
    s.delete(33n);
    assert.equal(s.nextFree(0n, 99n, 40n), 70n, 'a freed ordinal behind the cursor waits');
    for (let o = 70n; o < 100n; o++) s.add(o);
    assert.equal(s.nextFree(0n, 99n, 40n), 33n, 'wraps round to it');
    s.add(33n);
    assert.equal(s.nextFree(0n, 99n, 40n), undefined, 'full');
    assert.equal(s.nextFree(10n, 20n, 500n), undefined, 'a cursor outside the bounds starts at lo');
    assert.deepEqual([...s.values()].length, 100);
  });
}

test('dense: the last bit of a word and of the set', () => {
  const s = ordinalSet(64n);
  for (let o = 0n; o < 63n; o++) s.add(o);
  assert.equal(s.nextFree(0n, 63n, 0n), 63n);
  s.add(63n);
  assert.equal(s.nextFree(0n, 63n, 0n), undefined);
  s.delete(31n);
  assert.equal(s.nextFree(0n, 63n, 32n), 31n);
  assert.deepEqual([...s.values()].includes(31n), false);
});
