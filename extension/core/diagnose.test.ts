// "Why Can't … Reach …?", the reachability matrix page and the conflict marker in the tree, against
// the fake daemon (the real cnmd and VS Code: test/integration/diagnose.test.ts, test/e2e).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReachabilityMatrix, WhyReport } from '../../model/diagnose.js';
import { DiagnoseCommands } from './diagnoseCommands.js';
import { renderMatrixHtml, renderWhyHtml } from './diagnoseHtml.js';
import { connectedSandboxes, FakeClient, fakeNetwork } from './fakeClient.js';
import { label, ScriptedUi } from './scriptedUi.js';
import { DaemonState } from './state.js';
import { networkNode } from './tree.js';

const REPORT: WhyReport = {
  from: { sandbox: 'a1', id: 'x' },
  to: { kind: 'sandbox', text: 'b1', sandbox: 'b1', name: 'b1', address: '10.0.2.2' },
  verdict: 'unreachable',
  reason: 'no-shared-network',
  chain: [
    {
      code: 'no-shared-network',
      level: 'block',
      text: 'a1 is on front, b1 on back <script>',
      object: { kind: 'network', name: 'back' },
      fix: 'cnm network connect back a1',
      rule: 'oifname "br-b" drop',
    },
  ],
  probe: { kind: 'icmp', target: '10.0.2.2', ok: false, detail: 'no echo reply within 1000 ms', ms: 1000 },
  kernelAgrees: true,
  ms: { model: 3, probe: 1000 },
};
const MATRIX: ReachabilityMatrix = {
  networks: ['front'],
  sandboxes: ['a1', 'a2'],
  cells: [
    [
      { verdict: 'reachable', reason: 'same-sandbox' },
      { verdict: 'reachable', reason: 'ok', probed: 'reachable', address: '10.0.1.3' },
    ],
    [
      { verdict: 'unreachable', reason: 'icc-disabled', probed: 'reachable', address: '10.0.1.2' },
      { verdict: 'reachable', reason: 'same-sandbox' },
    ],
  ],
  disagreements: 1,
  ms: { model: 2, probe: 700 },
};

test('why page: verdict, chain with object/rule/fix (escaped), the kernel, nonce-only CSP', () => {
  const html = renderWhyHtml(REPORT, 'vscode-resource:', 'N0NCE');
  assert.match(html, /<span id="verdict" class="verdict unreachable">Unreachable<\/span>/);
  assert.match(html, /a1 is on front, b1 on back &lt;script&gt;/);
  assert.match(html, /decided by network <code>back<\/code>/);
  assert.match(html, /rule: <code>oifname &quot;br-b&quot; drop<\/code>/);
  assert.match(html, /fix: <code>cnm network connect back a1<\/code>/);
  assert.match(html, /ICMP 10\.0\.2\.2: <b>failed<\/b>/);
  assert.match(html, /The kernel agrees/);
  assert.match(html, /script-src 'nonce-N0NCE'/);
  assert.doesNotMatch(html, /<script>(?!\s)/);
});

test('matrix page: a cell per pair coloured by verdict, the reason on hover, disagreements outlined', () => {
  const html = renderMatrixHtml(MATRIX, 'network front', 'vscode-resource:', 'N0NCE');
  assert.match(html, /<td class="self" title="a1: the same sandbox"/);
  assert.match(
    html,
    /<td class="reachable" title="a1 → a2 \(10\.0\.1\.3\): ok — reachable · kernel: reachable" data-from="a1" data-to="a2"/,
  );
  assert.match(
    html,
    /<td class="unreachable disagree" title="a2 → a1 \(10\.0\.1\.2\): icc-disabled — the shared network has enable_icc=false · kernel: reachable"/,
  );
  assert.match(html, /1 disagreement\(s\) with the kernel/);
  assert.match(html, /var\(--vscode-charts-green\)/);
  assert.doesNotMatch(html, /#[0-9a-f]{6}\b/i, 'colours come from the theme only');
});

async function env(answers: Array<string | ((l: string[]) => number) | undefined>) {
  const fake = new FakeClient();
  await fake.createNetwork({ Name: 'front', IPAM: { Config: [{ Subnet: '10.0.1.0/24' }] } });
  await connectedSandboxes(fake, 'front', ['a1', 'a2']);
  const state = new DaemonState(fake);
  await state.start();
  const ui = new ScriptedUi(answers);
  const shown: unknown[] = [];
  const cmds = new DiagnoseCommands({ state, ui, showWhy: (r) => shown.push(r), showMatrix: (m, scope) => shown.push([m, scope]) });
  return { fake, state, ui, shown, cmds };
}

test('Why Can’t … Reach …?: from the row, pick the other end and the port; the answer goes to the panel', async () => {
  const { fake, state, ui, shown, cmds } = await env([label('a2'), label('A TCP or UDP port…'), '80/tcp']);
  const asked: string[] = [];
  fake.whyAnswer = (from, to, port) => (asked.push(`${from} ${to} ${port}`), REPORT);
  const sandbox = state.current.sandboxes!.find((s) => s.name === 'a1')!;
  const r = await cmds.why({
    id: 'sb',
    label: 'a1',
    icon: { codicon: 'x' },
    contextValue: 'sandbox',
    children: [],
    ref: { kind: 'sandbox', id: sandbox.id, name: 'a1' },
  });
  assert.equal(r, REPORT);
  assert.deepEqual(asked, ['a1 a2 80/tcp']);
  assert.deepEqual(shown, [REPORT]);
  assert.deepEqual(ui.errors, []);
  state.dispose();
});

test('Why from the palette to a typed address; a daemon without /cnm/why says so', async () => {
  const { state, ui, shown, cmds } = await env([label('a1'), label('An IP address or hostname…'), '192.0.2.1', label('Ping (ICMP)')]);
  assert.equal(await cmds.why(), undefined);
  assert.deepEqual(ui.errors, ['This daemon cannot explain paths (no /cnm/why): connect to cnmd.']);
  assert.deepEqual(shown, []);
  state.dispose();
});

test('Reachability Matrix: a network row asks for that network, the title bar for the whole host', async () => {
  const { fake, state, shown, cmds } = await env([]);
  const asked: string[][] = [];
  fake.matrixAnswer = (nets) => (asked.push(nets), MATRIX);
  await cmds.matrix({
    id: 'n',
    label: 'front',
    icon: { codicon: 'x' },
    contextValue: 'network',
    children: [],
    ref: { kind: 'network', id: 'f', name: 'front' },
  });
  await cmds.matrix();
  assert.deepEqual(asked, [['front'], []]);
  assert.deepEqual(shown, [
    [MATRIX, 'network front'],
    [MATRIX, 'the whole host'],
  ]);
  state.dispose();
});

test('a network with a subnet conflict: warning icon, the route named in the tooltip', () => {
  const warning =
    'host route 10.0.1.128/25 on tun0 overlaps subnet 10.0.1.0/24 of network front: traffic to the overlap may go the wrong way';
  const node = networkNode(fakeNetwork('front', 'bridge', '10.0.1.0/24', { Warnings: [warning] }));
  assert.deepEqual(node.icon, { codicon: 'warning', color: 'list.warningForeground' });
  assert.match(node.tooltip!, /⚠ host route 10\.0\.1\.128\/25 on tun0 overlaps/);
  assert.deepEqual(networkNode(fakeNetwork('back', 'bridge', '10.0.2.0/24')).icon, { driver: 'bridge' });
});
