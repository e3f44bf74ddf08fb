import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DockerInfo } from './docker.js';
import { FIRST_VNI, nextGlobalSubnet, nextVni, parseVxlanIdList, requestScope } from './overlay.js';

test('global subnets: the first /24 of 10.0.0.0/8 overlapping nothing taken', () => {
  assert.equal(nextGlobalSubnet([]), '10.0.0.0/24');
  assert.equal(nextGlobalSubnet(['10.0.0.0/24', '10.0.1.0/24']), '10.0.2.0/24');
  assert.equal(nextGlobalSubnet(['10.0.0.0/23']), '10.0.2.0/24', 'a wider subnet covers several /24s');
  assert.equal(nextGlobalSubnet(['10.0.0.0/16']), '10.1.0.0/24');
  assert.equal(nextGlobalSubnet(['172.17.0.0/16', '10.0.0.128/25']), '10.0.1.0/24', 'partial overlap counts');
  assert.equal(nextGlobalSubnet(['10.0.0.0/8']), undefined, 'pool exhausted');
});

test('VNIs: the lowest free from 4096', () => {
  assert.equal(nextVni(new Set()), FIRST_VNI);
  assert.equal(nextVni(new Set([4096, 4097, 4099])), 4098);
});

test('vxlanid_list: comma-separated ids in 1..2^24-1, bad values named', () => {
  assert.equal(parseVxlanIdList(undefined), undefined);
  assert.deepEqual(parseVxlanIdList('256'), [256]);
  assert.deepEqual(parseVxlanIdList('256, 257'), [256, 257]);
  assert.throws(() => parseVxlanIdList('0'), /invalid VXLAN id value "0"/);
  assert.throws(() => parseVxlanIdList('16777216'), /invalid VXLAN id value "16777216"/);
  assert.throws(() => parseVxlanIdList('x'), /invalid VXLAN id value "x" in com\.docker\.network\.driver\.overlay\.vxlanid_list/);
});

test("requestScope: local for a multi-host driver on a cnmd without a cluster store; the user's scope wins; /info asked only when it matters", async () => {
  const cnmd = { Cnm: { version: '1', drivers: [], kernel: {} } } as unknown as DockerInfo;
  const clustered = { Cnm: { ...cnmd.Cnm, cluster: { store: 'etcd://h:2379', state: 'up', since: '' } } } as unknown as DockerInfo;
  let asked = 0;
  const info = (i: DockerInfo | undefined) => async () => (asked++, i);
  assert.equal(await requestScope('overlay', '', info(cnmd)), 'local');
  assert.equal(await requestScope('overlay', '', info(clustered)), '', 'with a cluster store: the daemon makes a global one');
  assert.equal(await requestScope('overlay', '', info({} as DockerInfo)), '', "Docker's daemon (no Cnm): left to it");
  assert.equal(await requestScope('overlay', '', info(undefined)), '', '/info unreachable');
  assert.equal(asked, 4);
  assert.equal(await requestScope('overlay', 'global', info(cnmd)), 'global');
  assert.equal(await requestScope('bridge', '', info(cnmd)), '');
  assert.equal(asked, 4, 'not asked for a given scope or a single-host driver');
});
