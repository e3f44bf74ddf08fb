import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CnmError } from '../../errors.js';
import { needsBridgeNetfilter, type NetworkRules, renderRuleset } from './ruleset.js';

const net = (over: Partial<NetworkRules>): NetworkRules => ({
  networkId: 'a'.repeat(64),
  bridge: 'br-aaaaaaaaaaaa',
  subnets: ['172.18.0.0/16'],
  internal: false,
  icc: true,
  masquerade: true,
  ...over,
});

test('no networks: an empty table', () => {
  const text = renderRuleset([]);
  assert.match(text, /^table inet cnm \{/);
  assert.doesNotMatch(text, /elements/);
});

test('one network per bridge: isolation, inbound, masquerade; per network not per endpoint', () => {
  const text = renderRuleset([
    net({ networkId: 'b'.repeat(64), bridge: 'br-b', subnets: ['10.1.0.0/24', 'fd00:1::/64'] }),
    net({ bridge: 'cnm0' }),
  ]);
  assert.equal(
    text,
    `table inet cnm {
	set bridges {
		type ifname
		elements = { "br-b", "cnm0" }
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
		iifname "br-b" oifname @bridges oifname != "br-b" drop comment "cnm:bbbbbbbbbbbb"
		oifname "br-b" ct status dnat accept comment "cnm:bbbbbbbbbbbb"
		oifname "br-b" iifname != "br-b" drop comment "cnm:bbbbbbbbbbbb"
		iifname "cnm0" oifname @bridges oifname != "cnm0" drop comment "cnm:aaaaaaaaaaaa"
		oifname "cnm0" ct status dnat accept comment "cnm:aaaaaaaaaaaa"
		oifname "cnm0" iifname != "cnm0" drop comment "cnm:aaaaaaaaaaaa"
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname != "br-b" ip saddr 10.1.0.0/24 masquerade comment "cnm:bbbbbbbbbbbb"
		oifname != "br-b" ip6 saddr fd00:1::/64 masquerade comment "cnm:bbbbbbbbbbbb"
		oifname != "cnm0" ip saddr 172.18.0.0/16 masquerade comment "cnm:aaaaaaaaaaaa"
	}
}
`,
  );
});

test('internal networks drop everything crossing the bridge, before established flows, and are not masqueraded', () => {
  const text = renderRuleset([net({ bridge: 'br-i', internal: true })]);
  const lines = text.split('\n').map((l) => l.trim());
  const drop = lines.indexOf('iifname "br-i" oifname != "br-i" drop comment "cnm:aaaaaaaaaaaa"');
  assert.ok(drop >= 0);
  assert.ok(drop < lines.indexOf('ct state established,related accept'));
  assert.ok(lines.includes('oifname "br-i" iifname != "br-i" drop comment "cnm:aaaaaaaaaaaa"'));
  assert.doesNotMatch(text, /masquerade/);
});

test('enable_icc=false drops bridge-to-same-bridge traffic (seen via br_netfilter), before established flows', () => {
  const rules = [net({ bridge: 'br-x', icc: false }), net({ bridge: 'br-y' })];
  const lines = renderRuleset(rules)
    .split('\n')
    .map((l) => l.trim());
  const drop = lines.indexOf('iifname "br-x" oifname "br-x" drop comment "cnm:aaaaaaaaaaaa"');
  assert.ok(drop >= 0 && drop < lines.indexOf('ct state established,related accept'));
  assert.ok(!lines.some((l) => l.startsWith('iifname "br-y" oifname "br-y"')));
  assert.equal(needsBridgeNetfilter(rules), true);
  assert.equal(needsBridgeNetfilter([net({})]), false);
});

test('masquerade off leaves no nat rule; bad names and subnets are refused', () => {
  assert.doesNotMatch(renderRuleset([net({ masquerade: false })]), /masquerade/);
  assert.throws(
    () => renderRuleset([net({ bridge: 'x" accept; #' })]),
    (e: CnmError) => e.kind === 'invalid',
  );
  assert.throws(
    () => renderRuleset([net({ subnets: ['nope'] })]),
    (e: CnmError) => e.kind === 'invalid',
  );
});
