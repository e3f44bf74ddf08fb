import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CnmError } from '../../errors.js';
import { localnetBridges, portChains, portNatRules, type PortRule } from './ports.js';
import { needsBridgeNetfilter, renderRuleset } from './ruleset.js';

const rule = (over: Partial<PortRule> = {}): PortRule => ({
  sandboxId: 'c'.repeat(64),
  proto: 'tcp',
  hostIp: '0.0.0.0',
  hostPort: 8080,
  targetIp: '172.18.0.2',
  targetPort: 80,
  bridge: 'br-x',
  ...over,
});

test('no ports: the table is exactly as before (no nat hooks for DNAT)', () => {
  assert.deepEqual(portChains([]), []);
  assert.deepEqual(portNatRules([]), []);
  assert.doesNotMatch(renderRuleset([]), /published|prerouting/);
  assert.equal(needsBridgeNetfilter([]), false);
});

test('DNAT per port, jumped to from prerouting and output for local destinations', () => {
  const text = portChains([
    rule(),
    rule({ proto: 'udp', hostIp: '127.0.0.1', hostPort: 5353, targetPort: 53 }),
    rule({ hostIp: '::', targetIp: 'fd00::2' }),
    rule({ proto: 'sctp', hostIp: '192.0.2.1', hostPort: 9000, targetPort: 9 }),
  ]).join('\n');
  assert.match(text, /meta nfproto ipv4 tcp dport 8080 dnat ip to 172\.18\.0\.2:80 comment "cnm:cccccccccccc"/);
  assert.match(text, /meta nfproto ipv6 tcp dport 8080 dnat ip6 to \[fd00::2\]:80/);
  assert.match(text, /ip daddr 127\.0\.0\.1 udp dport 5353 dnat ip to 172\.18\.0\.2:53/);
  assert.match(text, /ip daddr 192\.0\.2\.1 sctp dport 9000 dnat ip to 172\.18\.0\.2:9/);
  assert.match(text, /type nat hook prerouting priority dstnat;[^}]*fib daddr type local jump published/);
  assert.match(text, /type nat hook output priority -100;[^}]*fib daddr type local jump published/);
  assert.equal(needsBridgeNetfilter([], [rule()]), true, 'hairpin needs bridged frames in the inet hooks');
});

test('masquerade only where the reply could not come back: loopback clients and self-hairpin', () => {
  assert.deepEqual(portNatRules([rule(), rule({ hostPort: 1 }), rule({ hostIp: '::', targetIp: 'fd00::2' })]), [
    'ct status dnat ip saddr 127.0.0.0/8 masquerade comment "cnm:published from localhost"',
    'ct status dnat ip saddr 172.18.0.2 ip daddr 172.18.0.2 masquerade comment "cnm:hairpin"',
    'ct status dnat ip6 saddr fd00::2 ip6 daddr fd00::2 masquerade comment "cnm:hairpin"',
  ]);
  assert.deepEqual(
    localnetBridges([rule(), rule({ bridge: 'br-y', hostIp: '192.0.2.1' }), rule({ bridge: 'br-z', hostIp: '::', targetIp: 'fd00::2' })]),
    ['br-x'],
  );
});

test('bad values never reach nft', () => {
  assert.throws(() => portChains([rule({ hostPort: 0 })]), CnmError);
  assert.throws(() => portChains([rule({ targetIp: '1.2.3.4; flush ruleset' })]), CnmError);
  assert.throws(() => portChains([rule({ hostIp: '::' })]), /differ in family/);
});
