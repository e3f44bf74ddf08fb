import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PluginIpam } from './ipam.js';

/** `reserved`: addresses held cluster-wide (ip → host), as the cluster store would answer for a global network's pool. */
function ipam(
  used: string[] = [],
  plugin: string[] = [],
  held: Record<string, string[]> = {},
  globals: Record<string, string> = {},
  reserved = new Map<string, string>(),
) {
  return new PluginIpam({
    usedSubnets: async () => used,
    pluginSubnets: () => plugin,
    heldAddresses: (s) => held[s] ?? [],
    globalGateway: (s) => globals[s],
    async reserve(s, ip) {
      if (!globals[s]) return undefined;
      const holder = reserved.get(ip);
      if (holder && holder !== 'me') return holder;
      reserved.set(ip, 'me');
      return undefined;
    },
    async release(_s, ip) {
      if (reserved.get(ip) === 'me') reserved.delete(ip);
    },
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

test('addresses: the lowest free, never one the cnm network holds; released ones come back', async () => {
  const i = ipam([], [], { '10.7.0.0/24': ['10.7.0.1', '10.7.0.2/24'] });
  const pool = 'cnm/10.7.0.0/24';
  assert.equal((await i.requestAddress({ PoolID: pool })).Address, '10.7.0.3/24');
  assert.equal((await i.requestAddress({ PoolID: pool })).Address, '10.7.0.4/24');
  await i.releaseAddress({ PoolID: pool, Address: '10.7.0.3/24' });
  assert.equal((await i.requestAddress({ PoolID: pool })).Address, '10.7.0.3/24');
  await assert.rejects(i.requestAddress({ PoolID: pool, Address: '10.7.0.2' }), /Address already in use: 10\.7\.0\.2/);
  assert.equal(
    (await i.requestAddress({ PoolID: pool, Address: '10.7.0.1', Options: { RequestAddressType: 'com.docker.network.gateway' } })).Address,
    '10.7.0.1/24',
    'the gateway may be asked for again',
  );
  await assert.rejects(i.requestAddress({ PoolID: pool, Address: '10.8.0.1' }), /not in pool 10\.7\.0\.0\/24/);
  await assert.rejects(i.requestAddress({ PoolID: 'other/1' }), /unknown pool other\/1/);
});

test("joining another host's overlay: its subnet is not an overlap, its gateway is the gateway, its endpoints' addresses are taken", async () => {
  // 10.0.3.0/24: a cnm global network (in use on this host's records), .1 its gateway, .2 held on another host.
  const i = ipam(['10.0.3.0/24'], [], { '10.0.3.0/24': ['10.0.3.1', '10.0.3.2/24'] }, { '10.0.3.0/24': '10.0.3.1' });
  assert.equal((await i.requestPool({ AddressSpace: 'cnm', Pool: '10.0.3.0/24' })).PoolID, 'cnm/10.0.3.0/24');
  await assert.rejects(i.requestPool({ AddressSpace: 'cnm', Pool: '10.0.0.0/16' }), /overlaps/, 'overlapping without being it is refused');
  const pool = 'cnm/10.0.3.0/24';
  assert.equal(
    (await i.requestAddress({ PoolID: pool, Options: { RequestAddressType: 'com.docker.network.gateway' } })).Address,
    '10.0.3.1/24',
  );
  assert.equal((await i.requestAddress({ PoolID: pool })).Address, '10.0.3.3/24', 'the address held on the other host is skipped');
});

test('on an overlay pool an address is held cluster-wide first: one another host holds is skipped, a released one freed', async () => {
  const reserved = new Map([['10.0.4.2', 'hostb']]);
  const i = ipam(['10.0.4.0/24'], [], { '10.0.4.0/24': ['10.0.4.1'] }, { '10.0.4.0/24': '10.0.4.1' }, reserved);
  const pool = 'cnm/10.0.4.0/24';
  const [x, y] = await Promise.all([i.requestAddress({ PoolID: pool }), i.requestAddress({ PoolID: pool })]);
  assert.deepEqual([x.Address, y.Address].sort(), ['10.0.4.3/24', '10.0.4.4/24'], 'concurrent requests on one host never share one');
  assert.equal(reserved.get('10.0.4.3'), 'me');
  await assert.rejects(
    i.requestAddress({ PoolID: pool, Address: '10.0.4.2' }),
    /Address already in use: 10\.0\.4\.2 \(held on host hostb\)/,
  );
  await i.releaseAddress({ PoolID: pool, Address: '10.0.4.3/24' });
  assert.equal(reserved.has('10.0.4.3'), false, 'the hold is freed');
});
