// Which host routes/addresses conflict with which networks (the pure part of the watch; the watch
// itself, on real netlink notifications, is in test/integration/diagnose.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findConflicts } from './conflicts.js';

const nets = [
  { id: 'f', name: 'front', driver: 'bridge', subnets: ['10.71.1.0/24', 'fd00:1::/64'] },
  { id: 'm', name: 'mv', driver: 'macvlan', subnets: ['192.168.5.0/24'], parent: 'eth1' },
];

test('findConflicts: overlaps in either direction and per family; a macvlan parent own LAN is not a conflict', () => {
  const found = findConflicts(nets, [
    { kind: 'route', prefix: '10.71.1.128/25', ifname: 'tun0' },
    { kind: 'route', prefix: '10.0.0.0/8', ifname: 'tun0' },
    { kind: 'address', prefix: 'fd00:1::5/64', ifname: 'wg0' },
    { kind: 'route', prefix: '10.71.2.0/24', ifname: 'eth0' },
    { kind: 'address', prefix: '192.168.5.3/24', ifname: 'eth1' },
    { kind: 'route', prefix: '192.168.5.0/24', ifname: 'tun1' },
  ]);
  assert.deepEqual(
    found.map((c) => `${c.network} ${c.subnet} ${c.kind} ${c.prefix} ${c.ifname}`),
    [
      'front 10.71.1.0/24 route 10.71.1.128/25 tun0',
      'front 10.71.1.0/24 route 10.0.0.0/8 tun0',
      'front fd00:1::/64 address fd00:1::5/64 wg0',
      'mv 192.168.5.0/24 route 192.168.5.0/24 tun1',
    ],
  );
});
