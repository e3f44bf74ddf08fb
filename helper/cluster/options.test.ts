import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from './backoff.js';
import { checkHostName, hostKey, memberKey, PREFIX } from './keys.js';
import { parseAdvertise, parseClusterStore, resolveAdvertise } from './options.js';

test('--cluster-store: etcd:// with one or more HOST[:PORT] (2379 by default), IPv6 in brackets', () => {
  assert.deepEqual(parseClusterStore('etcd://10.0.0.1:2379').endpoints, ['http://10.0.0.1:2379']);
  assert.deepEqual(parseClusterStore('etcd://a.example,10.0.0.2:12379,[fd00::1]').endpoints, [
    'http://a.example:2379',
    'http://10.0.0.2:12379',
    'http://[fd00::1]:2379',
  ]);
  assert.equal(parseClusterStore('etcd://h:1').text, 'etcd://h:1');
});

test('--cluster-store: bad values are refused naming the flag and what is wrong', () => {
  const bad: Array<[string, RegExp]> = [
    ['10.0.0.1:2379', /flag --cluster-store: expected etcd:\/\/HOST:2379/],
    ['consul://h:8500', /flag --cluster-store: cluster store "consul" is not supported, only etcd/],
    ['etcd://h:2379/prefix', /flag --cluster-store: a path is not supported/],
    ['etcd://h:0', /flag --cluster-store: port "0" is not 1-65535/],
    ['etcd://h:99999', /port "99999"/],
    ['etcd://h:2379,', /empty host in the list/],
    ['etcd://fd00::1', /IPv6 address in brackets/],
    ['etcd://bad_host!:1', /"bad_host!" is not a host name or IP/],
  ];
  for (const [v, re] of bad) assert.throws(() => parseClusterStore(v), re, v);
});

test('--cluster-advertise: IP or interface, optional port; interfaces resolve to their address', () => {
  assert.deepEqual(parseAdvertise('10.0.0.2'), { ip: '10.0.0.2', port: undefined });
  assert.deepEqual(parseAdvertise('eth1:2376'), { iface: 'eth1', port: 2376 });
  assert.deepEqual(parseAdvertise('[fd00::2]:2376'), { ip: 'fd00::2', port: 2376 });
  assert.throws(() => parseAdvertise('eth1:x'), /flag --cluster-advertise: port "x" is not 1-65535/);
  assert.throws(
    () => parseAdvertise('not an iface'),
    /flag --cluster-advertise: "not an iface" is neither an IP address nor an interface name/,
  );
  const ifs = {
    eth1: [
      { address: 'fe80::1', family: 'IPv6', netmask: '', mac: '', internal: false, cidr: null, scopeid: 2 },
      { address: '10.0.0.7', family: 'IPv4', netmask: '', mac: '', internal: false, cidr: null },
    ],
    eth2: [{ address: 'fe80::2', family: 'IPv6', netmask: '', mac: '', internal: false, cidr: null, scopeid: 3 }],
  } as unknown as ReturnType<typeof import('node:os').networkInterfaces>;
  assert.equal(resolveAdvertise({ iface: 'eth1' }, ifs), '10.0.0.7');
  assert.equal(resolveAdvertise({ ip: '10.9.9.9' }, ifs), '10.9.9.9');
  assert.throws(() => resolveAdvertise({ iface: 'eth9' }, ifs), /flag --cluster-advertise: no interface named "eth9"/);
  assert.throws(() => resolveAdvertise({ iface: 'eth2' }, ifs), /interface "eth2" has no IPv4 or global IPv6 address/);
});

test('keys live under /cnm/v1/; host names are single path segments', () => {
  assert.equal(PREFIX, '/cnm/v1/');
  assert.equal(hostKey('h1'), 'hosts/h1');
  assert.equal(memberKey('h1'), 'members/h1');
  assert.equal(checkHostName('node-1.lab'), 'node-1.lab');
  for (const bad of ['', 'a/b', '-x', 'x'.repeat(64)]) assert.throws(() => checkHostName(bad), /invalid cluster host name/, bad);
});

test('backoff: grows from ~200 ms to at most 5 s, with jitter in the upper half', () => {
  // [attempt, random(), delay]
  const cases: Array<[number, number, number]> = [
    [0, 0, 100],
    [0, 1, 200],
    [3, 1, 1600],
    [20, 1, 5000],
    [20, 0, 2500],
  ];
  for (const [attempt, r, ms] of cases)
    assert.equal(
      backoffDelay(attempt, () => r),
      ms,
      `attempt ${attempt}, random ${r}`,
    );
});
