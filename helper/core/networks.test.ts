// Where a multi-host network may be made (checkMultiHost): Docker's answers without a swarm, and
// cnm's stand-alone overlay (`Scope: "local"` on a cnmd without a cluster store).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkCreateRequest } from '../../model/docker.js';
import type { CnmError } from '../errors.js';
import { checkMultiHost } from './networks.js';

const NOT_MANAGER = /^This node is not a swarm manager\. Use "docker swarm init" or "docker swarm join"/;
const check = (clustered: boolean, req: Partial<NetworkCreateRequest>, driver = req.Driver ?? 'bridge') =>
  checkMultiHost(clustered, { Name: 'x', ...req }, driver);
const refused = (status: number, message: RegExp) => (e: CnmError) => e.status === status && message.test(e.message);

test('without a cluster store: overlay with Scope local is made on this host; without a scope, Docker\'s "not a swarm manager"', () => {
  assert.doesNotThrow(() => check(false, { Driver: 'overlay', Scope: 'local' }));
  assert.throws(() => check(false, { Driver: 'overlay' }), refused(500, NOT_MANAGER), 'what the docker CLI sends');
  assert.throws(() => check(false, { Driver: 'overlay', Scope: '' }), refused(500, NOT_MANAGER));
  assert.throws(() => check(false, { Driver: 'overlay', Scope: 'global' }), refused(500, NOT_MANAGER));
  assert.throws(() => check(false, { Scope: 'global' }), refused(500, NOT_MANAGER), '--scope global of a local driver');
  assert.throws(() => check(false, { Driver: 'overlay', Scope: 'swarm' }), refused(403, /^cannot create a swarm scoped network/));
  assert.doesNotThrow(() => check(false, { Scope: 'local' }), 'a local driver with --scope local, as Docker');
  assert.doesNotThrow(() => check(false, {}));
});

test("with a cluster store: overlay is global; Scope local gets Docker's kv-store refusal", () => {
  assert.doesNotThrow(() => check(true, { Driver: 'overlay' }));
  assert.doesNotThrow(() => check(true, { Driver: 'overlay', Scope: 'global' }));
  assert.throws(
    () => check(true, { Driver: 'overlay', Scope: 'local' }),
    refused(403, /^cannot downgrade network scope for overlay networks$/),
  );
  assert.doesNotThrow(() => check(true, { Scope: 'local' }));
});
