// The probe against the real kernel (root): its answer has every feature, agrees with what `ip`
// can make in a namespace of the test's own, names the kernel's refusal for each absent feature,
// and leaves no namespace behind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { KERNEL_FEATURES } from '../../model/features.js';
import { probeKernel, probeNetnsName } from './features.js';
import { listNetns } from './netns/netns.js';
import { needsRoot } from '../../test/root.js';

const ip = (...args: string[]) => spawnSync('ip', args, { encoding: 'utf8' });

test("probe: every feature answered, absent ones with the kernel's reason, nothing left", needsRoot, async () => {
  const p = await probeKernel();
  assert.deepEqual(Object.keys(p.features).sort(), Object.keys(KERNEL_FEATURES).sort());
  for (const [f, present] of Object.entries(p.features)) {
    assert.equal(typeof present, 'boolean');
    assert.equal(f in p.errors, !present, `${f}: an error exactly when absent`);
  }
  assert.ok(p.ms > 0 && p.ms < 5000, `probe took ${p.ms} ms`);
  assert.deepEqual(listNetns(probeNetnsName()), []);
  // The bridge driver's needs; the machine could not run the integration tests without them.
  assert.equal(p.features.bridge && p.features.veth && p.features.nftables, true);
});

test('probe agrees with ip(8) link creation in a namespace of its own', needsRoot, async () => {
  const ns = `t-feat-${process.pid}`;
  ip('netns', 'add', ns);
  try {
    const made = (...spec: string[]) => ip('-n', ns, 'link', 'add', ...spec).status === 0;
    assert.ok(made('pv0', 'type', 'veth', 'peer', 'name', 'pv1'));
    const truth = {
      bridge: made('pbr0', 'type', 'bridge'),
      vxlan: made('pvx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789'),
      dummy: made('pd0', 'type', 'dummy'),
      macvlan: made('pmv0', 'link', 'pv0', 'type', 'macvlan', 'mode', 'bridge'),
      vlan: made('pv0.10', 'link', 'pv0', 'type', 'vlan', 'id', '10'),
      ipvlan: made('piv0', 'link', 'pv1', 'type', 'ipvlan', 'mode', 'l2'),
    };
    const p = await probeKernel();
    for (const [f, present] of Object.entries(truth)) {
      assert.equal(p.features[f as keyof typeof truth], present, `${f}: probe ${p.features[f as keyof typeof truth]}, ip ${present}`);
      if (!present) assert.match(p.errors[f as keyof typeof truth]!, /EOPNOTSUPP/);
    }
  } finally {
    ip('netns', 'delete', ns);
  }
});
