import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PluginIpam } from './ipam.js';

function ipam(used: string[] = [], plugin: string[] = [], held: Record<string, string[]> = {}, globals: Record<string, string> = {}) {
  return new PluginIpam({
    usedSubnets: async () => used,
    pluginSubnets: () => plugin,
    heldAddresses: (s) => held[s] ?? [],
    globalGateway: (s) => globals[s],
  });
}

test('a pool: the one asked for unless it overlaps, else the first free 10.199.N.0/24', async () => {
  const i = ipam(['10.199.0.0/24', '192.168.1.0/24']);
  assert.deepEqual(await i.requestPool({ AddressSpace: 'cnm' }), { PoolID: 'cnm/10.199.1.0/24', Pool: '10.199.1.0/24', Data: {} });
  assert.equal((await i.requestPool({ AddressSpace: 'cnm' })).Pool, '10.199.2.0/24', 'a pending pool is not handed out twice');
  assert.equal((await i.requestPool({ AddressSpace: 'cnm', Pool: '10.5.0.0/16' })).PoolID, 'cnm/10.5.0.0/16');
  await assert.rejects(i.requestPool({ AddressSpace: 'cnm', Pool: '192.168.0.0/16' }), /overlaps with other one .*192\.168\.1\.0\/24/);
  await assert.rejects(i.requestPool({ AddressSpace: 'cnm', V6: true }), /IPv4 pools only/);
  await assert.rejects(i.requestPool({ AddressSpace: 'cnm', Pool: 'nonsense' }), /invalid pool nonsense/);
});

test("dockerd asking again for a plugin network's pool after its restart gets it", async () => {
  const i = ipam([], ['10.7.0.0/24']);
  assert.equal((await i.requestPool({ AddressSpace: 'cnm', Pool: '10.7.0.0/24' })).Pool, '10.7.0.0/24');
  await assert.rejects(i.requestPool({ AddressSpace: 'cnm', Pool: '10.7.0.0/16' }), /overlaps/);
});

test('addresses: the lowest free, never one the cnm network holds; released ones come back', () => {
  const i = ipam([], [], { '10.7.0.0/24': ['10.7.0.1', '10.7.0.2/24'] });
  const pool = 'cnm/10.7.0.0/24';
  assert.equal(i.requestAddress({ PoolID: pool }).Address, '10.7.0.3/24');
  assert.equal(i.requestAddress({ PoolID: pool }).Address, '10.7.0.4/24');
  i.releaseAddress({ PoolID: pool, Address: '10.7.0.3/24' });
  assert.equal(i.requestAddress({ PoolID: pool }).Address, '10.7.0.3/24');
  assert.throws(() => i.requestAddress({ PoolID: pool, Address: '10.7.0.2' }), /Address already in use: 10\.7\.0\.2/);
  assert.equal(
    i.requestAddress({ PoolID: pool, Address: '10.7.0.1', Options: { RequestAddressType: 'com.docker.network.gateway' } }).Address,
    '10.7.0.1/24',
    'the gateway may be asked for again',
  );
  assert.throws(() => i.requestAddress({ PoolID: pool, Address: '10.8.0.1' }), /not in pool 10\.7\.0\.0\/24/);
  assert.throws(() => i.requestAddress({ PoolID: 'other/1' }), /unknown pool other\/1/);
});

test("joining another host's overlay: its subnet is not an overlap, its gateway is the gateway, its endpoints' addresses are taken", async () => {
  // 10.0.3.0/24: a cnm global network (in use on this host's records), .1 its gateway, .2 held on another host.
  const i = ipam(['10.0.3.0/24'], [], { '10.0.3.0/24': ['10.0.3.1', '10.0.3.2/24'] }, { '10.0.3.0/24': '10.0.3.1' });
  assert.equal((await i.requestPool({ AddressSpace: 'cnm', Pool: '10.0.3.0/24' })).PoolID, 'cnm/10.0.3.0/24');
  await assert.rejects(i.requestPool({ AddressSpace: 'cnm', Pool: '10.0.0.0/16' }), /overlaps/, 'overlapping without being it is refused');
  const pool = 'cnm/10.0.3.0/24';
  assert.equal(i.requestAddress({ PoolID: pool, Options: { RequestAddressType: 'com.docker.network.gateway' } }).Address, '10.0.3.1/24');
  assert.equal(i.requestAddress({ PoolID: pool }).Address, '10.0.3.3/24', 'the address held on the other host is skipped');
});
