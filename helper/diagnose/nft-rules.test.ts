// cnm's table read back from nft's text and evaluated for one packet: the first matching verdict
// decides, sets and prefixes match, and a rule with an expression not understood is never guessed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, parseRule, parseTable, type Packet } from './nft-rules.js';

// What `nft list table inet cnm` printed for two networks (one with ICC off) plus a hand-added rule.
const TABLE = `table inet cnm {
	set bridges {
		type ifname
		elements = { "br-aaaa",
			     "br-bbbb" }
	}

	chain forward {
		type filter hook forward priority filter; policy accept;
		ip daddr 10.1.0.3 tcp dport { 80, 8000-8080 } counter packets 4 bytes 240 drop # handle 12
		iifname "br-bbbb" oifname "br-bbbb" drop comment "cnm:bbbbbbbbbbbb"
		ct state established,related accept
		iifname "br-aaaa" oifname @bridges oifname != "br-aaaa" drop comment "cnm:aaaaaaaaaaaa"
		oifname "br-aaaa" ct status dnat accept comment "cnm:aaaaaaaaaaaa"
		oifname "br-aaaa" iifname != "br-aaaa" drop comment "cnm:aaaaaaaaaaaa"
		meta mark 0x1 drop
	}

	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname != "br-aaaa" ip saddr 10.1.0.0/24 masquerade comment "cnm:aaaaaaaaaaaa"
	}
}
`;

const pkt = (p: Partial<Packet>): Packet => ({ iif: 'br-aaaa', oif: 'br-aaaa', saddr: '10.1.0.2', daddr: '10.1.0.3', proto: 'icmp', ...p });

test('parseTable: the set over several lines, the forward chain only, counters and handles dropped from the text', () => {
  const t = parseTable(TABLE);
  assert.deepEqual(t.sets.get('bridges'), ['br-aaaa', 'br-bbbb']);
  assert.equal(t.forward.length, 7);
  assert.equal(t.forward[0]!.text, 'ip daddr 10.1.0.3 tcp dport { 80, 8000-8080 } counter drop');
  assert.equal(t.forward[1]!.owner, 'bbbbbbbbbbbb');
  assert.equal(t.forward[6]!.unknown, 'meta');
});

test('evaluate: first match decides; sets, negation, port lists and ranges, ct state', () => {
  const t = parseTable(TABLE);
  const cases: Array<[string, Partial<Packet>, string, number | undefined]> = [
    ['same bridge, ICC on: policy accept', {}, 'accept', undefined],
    ['tcp 80 to 10.1.0.3: the hand-added rule', { proto: 'tcp', dport: 80 }, 'drop', 0],
    ['tcp 8080 (in the range)', { proto: 'tcp', dport: 8080 }, 'drop', 0],
    ['tcp 81: not in the list', { proto: 'tcp', dport: 81 }, 'accept', undefined],
    ['ICC off on br-bbbb', { iif: 'br-bbbb', oif: 'br-bbbb', saddr: '10.2.0.2', daddr: '10.2.0.3' }, 'drop', 1],
    ['aaaa → bbbb: isolation through @bridges', { oif: 'br-bbbb', daddr: '10.2.0.3' }, 'drop', 3],
    ['aaaa → eth0: out', { oif: 'eth0', daddr: '8.8.8.8' }, 'accept', undefined],
    ['eth0 → aaaa: only DNAT gets in', { iif: 'eth0', saddr: '8.8.8.8' }, 'drop', 5],
  ];
  for (const [name, p, verdict, index] of cases) {
    const d = evaluate(t, pkt(p));
    assert.equal(d.verdict, verdict, name);
    assert.equal(d.rule, index === undefined ? undefined : t.forward[index], name);
    assert.equal(d.skipped.length, verdict === 'accept' ? 1 : index! > 6 ? 1 : 0, name);
  }
});

test('parseRule: address families, reject with, icmp type', () => {
  const v6only = parseRule('ip6 daddr fd00::/64 drop');
  assert.equal(evaluate({ sets: new Map(), forward: [v6only] }, pkt({})).verdict, 'accept');
  const rej = parseRule('ip saddr 10.1.0.0/24 reject with icmp type admin-prohibited');
  assert.equal(rej.verdict, 'reject');
  assert.equal(rej.unknown, undefined);
  const echo = parseRule('icmp type echo-request drop');
  assert.equal(evaluate({ sets: new Map(), forward: [echo] }, pkt({})).verdict, 'drop');
  assert.equal(evaluate({ sets: new Map(), forward: [echo] }, pkt({ proto: 'tcp', dport: 1 })).verdict, 'accept');
});
