// The cursor's YAML context from half-typed text, in flow collections and beside them; the keys a
// map already has. `|` marks the cursor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cursorContext, type CursorContext } from './cursor.js';

function at(textWithCursor: string): Omit<CursorContext, 'prefixStart'> {
  const i = textWithCursor.indexOf('|');
  const before = textWithCursor.slice(0, i);
  const lines = (before + textWithCursor.slice(i + 1)).split('\n');
  const { prefixStart: _, ...ctx } = cursorContext(lines, before.split('\n').length - 1, before.length - before.lastIndexOf('\n') - 1);
  return ctx;
}

test('flow sequences and mappings, nested and over several lines', () => {
  assert.deepEqual(at('services:\n  web:\n    networks: [front, ba|]\n'), {
    path: ['services', 'web', 'networks', '-'],
    mode: 'key',
    prefix: 'ba',
    siblings: [],
  });
  assert.deepEqual(at('services:\n  web:\n    networks: [\n      front,\n      |\n    ]\n').path, ['services', 'web', 'networks', '-']);
  assert.deepEqual(at('networks:\n  a: {driver: macvlan, driver_opts: {parent: eth0, |}}\n'), {
    path: ['networks', 'a', 'driver_opts'],
    mode: 'key',
    prefix: '',
    siblings: ['parent'],
  });
  assert.deepEqual(at('networks:\n  a: {ipam: {config: [{subnet: 10.0.0.0/24, |}]}}\n').path, ['networks', 'a', 'ipam', 'config', '-']);
  assert.deepEqual(at('networks:\n  a: {driver: |}\n'), {
    path: ['networks', 'a'],
    mode: 'value',
    key: 'driver',
    prefix: '',
    siblings: [],
  });
  assert.deepEqual(
    at('x: [\n  {a: [y]},\n  |\n]\n').path,
    ['x', '-'],
    'a closed inner collection followed by a comma is still inside the outer one',
  );
});

test('quotes and comments: the cursor inside them, and brackets inside them ignored', () => {
  assert.deepEqual(at('networks:\n  a: {driver: "mac|vlan", internal: true}\n'), {
    path: ['networks', 'a'],
    mode: 'value',
    key: 'driver',
    prefix: 'mac',
    siblings: [],
  });
  assert.deepEqual(at('networks:\n  a: {"driver": "{[", |, internal: true}\n').siblings, ['driver', 'internal']);
  assert.deepEqual(at('networks:\n  a: {driver: x, # a comment, {here\n    |, internal: true}\n').siblings, ['driver', 'internal']);
});

test('after a closed flow collection the cursor is in block context again', () => {
  assert.deepEqual(at('networks:\n  a:\n    aliases: [x]\n    |\n'), {
    path: ['networks', 'a'],
    mode: 'key',
    prefix: '',
    siblings: ['aliases'],
  });
  assert.equal(at('services:\n  web:\n    networks: [front]|\n').mode, 'value');
});

test('block maps: the keys above and below the cursor at its column, within its list item', () => {
  assert.deepEqual(at('networks:\n  a:\n    driver: bridge\n    |\n    internal: true\n  b:\n    x: 1\n').siblings, ['driver', 'internal']);
  assert.deepEqual(at('networks:\n  a:\n    ipam:\n      config:\n        - subnet: 1\n          |\n        - gateway: 2\n').siblings, [
    'subnet',
  ]);
  assert.deepEqual(
    at('networks:\n  a:\n    ipam:\n      config:\n        - subnet: 1\n        - |\n').siblings,
    [],
    'a new list item starts a new map',
  );
});
