import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CnmError } from '../errors.js';
import type { Netlink } from '../kernel/netlink/netlink.js';
import { createRegistry } from './index.js';
import { ownerAlias, ownerOf } from './owner.js';

const host = {} as Netlink;

test("the registry: the drivers this cnmd implements, Docker's 404 for others", () => {
  const r = createRegistry({ host });
  assert.deepEqual(r.names(), ['bridge', 'macvlan', 'overlay', 'host', 'null']);
  assert.equal(r.get('overlay').caps.scope, 'global');
  assert.equal(r.get('macvlan').caps.parentLink, true);
  assert.equal(r.get('host').caps.hostNetns, true);
  assert.equal(r.get('null').caps.exclusive, true);
  assert.throws(
    () => r.get('ipvlan'),
    (e: CnmError) => e.status === 404 && e.message === 'plugin "ipvlan" not found',
  );
});

test('each registry makes its own driver instances: two cores share no driver state', () => {
  const a = createRegistry({ host });
  const b = createRegistry({ host });
  for (const name of a.names()) assert.notEqual(a.get(name), b.get(name));
});

test('ownerAlias / ownerOf', () => {
  assert.equal(ownerAlias('abc'), 'cnm:abc');
  assert.equal(ownerOf('cnm:abc'), 'abc');
  assert.equal(ownerOf('other'), undefined);
  assert.equal(ownerOf(undefined), undefined);
});
