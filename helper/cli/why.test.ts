// cnm why's text: the verdict line, each step with its object, rule and fix, the kernel's answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMatrix, formatWhy } from './why.js';

test('formatWhy: verdict, chain, rule, fix and the kernel', () => {
  const text = formatWhy({
    from: { sandbox: 'a1', id: 'x' },
    to: { kind: 'sandbox', text: 'b1', sandbox: 'b1', name: 'b1', address: '10.0.2.2' },
    verdict: 'unreachable',
    reason: 'no-shared-network',
    chain: [
      { code: 'name-not-visible', level: 'warn', text: 'b1 is served only on back', object: { kind: 'network', name: 'back' } },
      {
        code: 'no-shared-network',
        level: 'block',
        text: 'a1 is on front, b1 on back',
        object: { kind: 'network', name: 'back' },
        fix: 'cnm network connect back a1',
        rule: 'oifname "br-b" iifname != "br-b" drop',
      },
    ],
    nameVisible: false,
    probe: { kind: 'icmp', target: '10.0.2.2', ok: false, detail: 'no echo reply within 1000 ms', ms: 1000 },
    kernelAgrees: true,
    ms: { model: 3, probe: 1000 },
  });
  assert.equal(
    text,
    [
      'a1 → b1 at 10.0.2.2: UNREACHABLE (no-shared-network)',
      '  ! b1 is served only on back  [network back]',
      '  ✗ a1 is on front, b1 on back  [network back]',
      '      rule: oifname "br-b" iifname != "br-b" drop',
      '      fix: cnm network connect back a1',
      'kernel: icmp 10.0.2.2: failed (no echo reply within 1000 ms)',
      'the kernel agrees',
      '',
    ].join('\n'),
  );
});

test('formatMatrix: ok or the reason per cell, the diagonal as -, disagreements marked', () => {
  const text = formatMatrix({
    networks: [],
    sandboxes: ['a', 'b'],
    cells: [
      [
        { verdict: 'reachable', reason: 'same-sandbox' },
        { verdict: 'reachable', reason: 'ok', probed: 'unreachable' },
      ],
      [
        { verdict: 'unreachable', reason: 'icc-disabled', probed: 'unreachable' },
        { verdict: 'reachable', reason: 'same-sandbox' },
      ],
    ],
    disagreements: 1,
    ms: { model: 2, probe: 700 },
  });
  assert.match(text, /^FROM \\ TO +a +b\na +- +ok \(kernel: unreachable\)\nb +icc-disabled +-\n/);
  assert.match(text, /2 sandbox\(es\); model 2 ms, probes 700 ms, 1 disagreement/);
});
