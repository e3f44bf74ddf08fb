import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultGateway, formatAddr, parseCidr, reservedOffsets } from './ip.js';

const gw = (subnet: string, range?: string) => {
  const a = defaultGateway(parseCidr(subnet)!, range ? parseCidr(range) : undefined);
  return a && formatAddr(a.family, a.value);
};

test('defaultGateway: the first address of the range or subnet that IPAM does not reserve', () => {
  assert.equal(gw('172.30.0.0/24'), '172.30.0.1');
  assert.equal(gw('10.78.0.0/24', '10.78.0.64/26'), '10.78.0.64');
  assert.equal(gw('10.78.0.0/24', '10.78.0.0/25'), '10.78.0.1');
  assert.equal(gw('10.0.0.0/31'), '10.0.0.0', 'a /31 has no network or broadcast address');
  assert.equal(gw('10.0.0.7/32'), '10.0.0.7');
  assert.equal(gw('fd00:77::/64'), 'fd00:77::1');
  assert.equal(gw('10.0.0.0/24', '10.0.0.0/32'), undefined, 'a range of only the network address has none');
  assert.deepEqual(reservedOffsets(parseCidr('10.0.0.0/30')!), [0n, 3n]);
  assert.deepEqual(reservedOffsets(parseCidr('fd00::/127')!), [0n]);
});
