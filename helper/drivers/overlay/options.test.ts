import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Network } from '../../../model/cnm.js';
import { encryptedRefusal, parseOverlayOptions } from './options.js';

const net = (options: Record<string, string>, vxlanId?: number): Network => ({
  id: 'a'.repeat(64),
  name: 'ov',
  created: '',
  scope: 'global',
  driver: 'overlay',
  enableIPv6: false,
  internal: false,
  attachable: false,
  ipam: { driver: 'default', options: {}, pools: [] },
  options,
  labels: {},
  vxlanId,
});

test('overlay options: the allocated VNI wins, else the first of vxlanid_list; MTU parsed', () => {
  assert.deepEqual(parseOverlayOptions(net({}, 4096)), { vni: 4096, mtu: undefined });
  assert.deepEqual(parseOverlayOptions(net({ 'com.docker.network.driver.overlay.vxlanid_list': '300,301' })), { vni: 300, mtu: undefined });
  assert.deepEqual(parseOverlayOptions(net({ 'com.docker.network.driver.mtu': '1400' }, 5000)), { vni: 5000, mtu: 1400 });
  assert.throws(() => parseOverlayOptions(net({})), /has no VXLAN id/);
  assert.throws(() => parseOverlayOptions(net({ 'com.docker.network.driver.overlay.vxlanid_list': 'x' })), /invalid VXLAN id value/);
});

test('-o encrypted: refused, naming what the kernel lacks', () => {
  assert.throws(() => parseOverlayOptions(net({ encrypted: '' }, 4096)), /-o encrypted is not supported/);
  assert.match(encryptedRefusal({ esp: false, wireguard: false }).message, /this kernel lacks IPsec ESP \(esp4, xfrm_user\) and WireGuard/);
  assert.match(encryptedRefusal({ esp: false, wireguard: true }).message, /this kernel lacks IPsec ESP/);
  assert.match(encryptedRefusal({ esp: true, wireguard: true }).message, /does not implement encryption yet/);
});
