import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Network } from '../../../model/cnm.js';
import { CnmError } from '../../errors.js';
import { testNetwork } from '../testing.js';
import { parseBridgeOptions } from './options.js';

const net = (options: Record<string, string>): Network => testNetwork('0123456789abcdef', { name: 'n', options });

test('defaults: br-<12 hex>, ICC and masquerade on', () => {
  assert.deepEqual(parseBridgeOptions(net({})), {
    bridgeName: 'br-0123456789ab',
    icc: true,
    masquerade: true,
    mtu: undefined,
    hostBindingIpv4: undefined,
    defaultBridge: false,
  });
});

test('options as Docker reads them (Go ParseBool spellings, MTU 0 = default)', () => {
  const c = parseBridgeOptions(
    net({
      'com.docker.network.bridge.name': 'cnm0',
      'com.docker.network.bridge.enable_icc': 'F',
      'com.docker.network.bridge.enable_ip_masquerade': 'False',
      'com.docker.network.driver.mtu': '1400',
      'com.docker.network.bridge.default_bridge': 'true',
      'com.docker.network.bridge.host_binding_ipv4': '127.0.0.1',
    }),
  );
  assert.deepEqual(c, { bridgeName: 'cnm0', icc: false, masquerade: false, mtu: 1400, hostBindingIpv4: '127.0.0.1', defaultBridge: true });
  assert.equal(parseBridgeOptions(net({ 'com.docker.network.driver.mtu': '0' })).mtu, undefined);
});

test("bad values are refused with Docker's messages", () => {
  const bad = (options: Record<string, string>, message: string) =>
    assert.throws(
      () => parseBridgeOptions(net(options)),
      (e: CnmError) => e.kind === 'invalid' && e.status === 400 && e.message === message,
    );
  bad(
    { 'com.docker.network.bridge.enable_icc': 'yes' },
    'failed to parse com.docker.network.bridge.enable_icc value: yes (strconv.ParseBool: parsing "yes": invalid syntax)',
  );
  bad(
    { 'com.docker.network.driver.mtu': 'abc' },
    'failed to parse com.docker.network.driver.mtu value: abc (strconv.Atoi: parsing "abc": invalid syntax)',
  );
  bad({ 'com.docker.network.driver.mtu': '-1' }, 'invalid MTU number: -1');
  bad(
    { 'com.docker.network.bridge.host_binding_ipv4': 'nope' },
    'failed to parse com.docker.network.bridge.host_binding_ipv4 value: nope (nil ip)',
  );
  assert.throws(
    () => parseBridgeOptions(net({ 'com.docker.network.bridge.name': 'a-name-longer-than-15' })),
    (e: CnmError) => e.kind === 'invalid',
  );
});
