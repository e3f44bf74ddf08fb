import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Network } from '../../../model/cnm.js';
import type { CnmError } from '../../errors.js';
import { testNetwork } from '../testing.js';
import { parseMacvlanOptions, parseVlanParent } from './options.js';

const net = (options: Record<string, string>, internal = false): Network =>
  testNetwork('0123456789abcdef', { name: 'mv', driver: 'macvlan', internal, options });
const dockerError = (message: string) => (e: CnmError) => e.message === message && e.status === 500;

test('defaults: bridge mode, no shim, the parent as given', () => {
  assert.deepEqual(parseMacvlanOptions(net({ parent: 'eth1' })), { parent: 'eth1', mode: 'bridge', mtu: undefined, hostShim: false });
  const c = parseMacvlanOptions(
    net({ parent: 'eth1', macvlan_mode: 'private', 'cnm.macvlan.host_shim': 'true', 'com.docker.network.driver.mtu': '1400' }),
  );
  assert.deepEqual(c, { parent: 'eth1', mode: 'private', mtu: 1400, hostShim: true });
});

test('no parent, or --internal: a stand-in segment named as Docker names its dummy link', () => {
  const standIn = {
    parent: 'dm-0123456789ab',
    mode: 'bridge',
    mtu: undefined,
    hostShim: false,
    made: { kind: 'stand-in', peer: 'dmp0123456789ab' },
  };
  assert.deepEqual(parseMacvlanOptions(net({})), standIn);
  assert.deepEqual(parseMacvlanOptions(net({ parent: 'eth1' }, true)), standIn);
});

test("libnetwork's errors", () => {
  assert.throws(
    () => parseMacvlanOptions(net({ macvlan_mode: 'x' })),
    dockerError("requested macvlan mode 'x' is not valid, 'bridge' mode is the macvlan driver default"),
  );
  assert.throws(() => parseMacvlanOptions(net({ parent: 'lo' })), dockerError('loopback interface is not a valid macvlan parent link'));
  assert.throws(
    () => parseMacvlanOptions(net({ parent: 'e', 'cnm.macvlan.host_shim': 'yes' })),
    /failed to parse cnm.macvlan.host_shim value: yes/,
  );
  assert.deepEqual(parseVlanParent('eth1.10'), { base: 'eth1', id: 10 });
  assert.throws(
    () => parseVlanParent('a.b.c'),
    dockerError('required interface name format is: name.vlan_id, ex. eth0.10 for vlan 10, instead received: a.b.c'),
  );
  assert.throws(() => parseVlanParent('eth1.x'), dockerError('unable to parse a valid vlan id from: x (ex. eth0.10 for vlan 10)'));
});
