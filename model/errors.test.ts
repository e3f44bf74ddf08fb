import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cnmWording, errorDetailOf, type CnmErrorDetail } from './errors.js';

test("cnm's wording for each reason", () => {
  const cases: Array<[CnmErrorDetail, string]> = [
    [{ reason: 'no-such-sandbox', sandbox: 'x' }, 'No such sandbox: x'],
    [{ reason: 'invalid-sandbox-name', sandbox: 'a b' }, 'Invalid sandbox name (a b), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed'],
    [
      { reason: 'sandbox-name-in-use', sandbox: 'ins01', holder: 'abc' },
      'The sandbox name "ins01" is already in use by sandbox "abc". You have to remove (or rename) that sandbox to be able to reuse that name.',
    ],
    [
      { reason: 'sandbox-ambiguous', sandbox: 'ab', matches: 2, by: 'id-prefix' },
      'sandbox ab is ambiguous (2 matches found based on ID prefix)',
    ],
    [{ reason: 'sandbox-not-connected', sandbox: 'web', network: 'front' }, 'sandbox web is not connected to network front'],
    [
      { reason: 'pool-overlap', subnet: '10.1.0.0/16', pool: '10.1.0.0/24', overlaps: 'frontend' },
      'Pool 10.1.0.0/16 overlaps with network "frontend" (10.1.0.0/24) on this address space',
    ],
  ];
  for (const [detail, text] of cases) {
    assert.equal(cnmWording(detail), text);
    assert.deepEqual(errorDetailOf({ message: 'docker text', cnm: detail }), detail, 'a well-formed detail is read back');
  }
});

test('a detail from the wire is taken only when well-formed', () => {
  assert.equal(errorDetailOf({ message: 'x' }), undefined);
  assert.equal(errorDetailOf(null), undefined);
  assert.equal(errorDetailOf({ message: 'x', cnm: 'no-such-sandbox' }), undefined);
  assert.equal(errorDetailOf({ message: 'x', cnm: { reason: 'no-such-sandbox' } }), undefined);
  assert.equal(errorDetailOf({ message: 'x', cnm: { reason: 'toString', sandbox: 'x' } }), undefined);
  assert.equal(errorDetailOf({ message: 'x', cnm: { reason: 'sandbox-ambiguous', sandbox: 'a', matches: '2', by: 'name' } }), undefined);
});
