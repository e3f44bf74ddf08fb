import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consolidateIpam } from './ipam-flags.js';

describe('consolidateIpam', () => {
  it('pairs ranges, gateways and aux addresses with the subnet that contains them', () => {
    assert.deepEqual(consolidateIpam(['10.1.0.0/16', 'fd00::/64'], ['10.1.2.0/24'], ['fd00::1', '10.1.0.1'], { h: '10.1.0.9' }), [
      { Subnet: '10.1.0.0/16', IPRange: '10.1.2.0/24', Gateway: '10.1.0.1', AuxiliaryAddresses: { h: '10.1.0.9' } },
      { Subnet: 'fd00::/64', Gateway: 'fd00::1' },
    ]);
    assert.deepEqual(consolidateIpam([], [], [], {}), []);
  });

  it('refuses what the docker CLI refuses, with its words', () => {
    assert.throws(() => consolidateIpam([], [], ['10.0.0.1'], {}), /every ip-range or gateway must have a corresponding subnet/);
    assert.throws(
      () => consolidateIpam(['10.0.0.0/8', '10.1.0.0/16'], [], [], {}),
      /multiple overlapping subnet configuration is not supported/,
    );
    assert.throws(() => consolidateIpam(['10.0.0.0/24'], [], ['10.9.0.1'], {}), /no matching subnet for gateway 10.9.0.1/);
    assert.throws(
      () => consolidateIpam(['10.0.0.0/24', '10.2.0.0/24'], [], ['10.0.0.1', '10.0.0.2'], {}),
      /cannot configure multiple gateways \(10.0.0.2, 10.0.0.1\) for the same subnet \(10.0.0.0\/24\)/,
    );
    assert.throws(() => consolidateIpam(['10.0.0.0/24'], [], [], { a: '10.5.0.1' }), /no matching subnet for aux-address 10.5.0.1/);
    assert.throws(() => consolidateIpam(['bogus'], [], [], {}), /invalid subnet bogus/);
  });
});
