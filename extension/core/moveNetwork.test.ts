// "Move Network to a Free Subnet…" against the fake daemon: the dry run's suggestion first, the
// preview, the move with progress, the tree following; another subnet checked as typed; a failed
// (rolled back) move reported. The real cnmd: test/integration/move.test.ts; VS Code: test/e2e/diagnose.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectedSandboxes, FakeClient, fakeNetwork } from './fakeClient.js';
import { moveNetwork } from './moveNetwork.js';
import { label, ScriptedUi, type Answer } from './scriptedUi.js';
import { DaemonState } from './state.js';
import { networkNode, type TreeNode } from './tree.js';

const WARNING =
  'host route 10.0.1.128/25 on tun0 overlaps subnet 10.0.1.0/24 of network front: traffic to the overlap may go the wrong way';

/** A daemon with `front` conflicted (a VPN's route) and two sandboxes on it. */
async function conflicted(answers: Answer[]) {
  const fake = new FakeClient();
  fake.networks.push(fakeNetwork('front', 'bridge', '10.0.1.0/24', { Warnings: [WARNING] }));
  await connectedSandboxes(fake, 'front', ['a1', 'a2']);
  const state = new DaemonState(fake);
  await state.start();
  const ui = new ScriptedUi(answers);
  const row = (): TreeNode => networkNode(state.current.networks.find((n) => n.Name === 'front')!);
  return { fake, state, ui, row };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
}

test('from the conflicted row: the free subnet first, a preview, the move with progress; the row loses its warning', async () => {
  const { fake, state, ui, row } = await conflicted([label('10.99.0.0/24')]);
  assert.match(row().contextValue, /\bmovable\b/);
  assert.deepEqual(row().icon, { codicon: 'warning', color: 'list.warningForeground' });
  const done = await moveNetwork({ state, ui }, row());
  assert.equal(done?.to.subnet, '10.99.0.0/24');
  assert.deepEqual(
    fake.calls.filter((c) => c.startsWith('move')),
    ['move front dry-run', 'move front 10.99.0.0/24'],
  );
  const [[message, detail]] = ui.confirms as [[string, string]];
  assert.equal(message, 'Move network front from 10.0.1.0/24 to 10.99.0.0/24?');
  assert.match(detail, /a1 \(eth0\): 172\.\d+\.0\.2\/16 → 10\.99\.0\.2\/24/);
  assert.match(detail, /2 endpoint\(s\) are disconnected and reconnected/);
  assert.deepEqual(ui.progresses, ['Moving front to 10.99.0.0/24…']);
  assert.match(ui.infos[0]!, /^Moved front to 10\.99\.0\.0\/24 in 1 ms: 2 sandbox\(es\) reconnected\.$/);
  await until(() => row().description?.startsWith('10.99.0.0/24') === true, 'the row shows the new subnet');
  assert.deepEqual(row().icon, { driver: 'bridge' });
  state.dispose();
});

test('another subnet: checked as typed (the API rule), planned again, then moved', async () => {
  const bad = await conflicted([label('Another subnet…'), 'nonsense']);
  assert.equal(await moveNetwork({ state: bad.state, ui: bad.ui }, bad.row()), undefined);
  assert.match(bad.ui.validations[0]!, /nonsense is not a subnet in CIDR notation/);
  bad.state.dispose();

  const { fake, state, ui, row } = await conflicted([label('Another subnet…'), '10.5.0.0/24']);
  const done = await moveNetwork({ state, ui }, row());
  assert.equal(done?.to.subnet, '10.5.0.0/24');
  assert.deepEqual(
    fake.calls.filter((c) => c.startsWith('move')),
    ['move front dry-run', 'move front 10.5.0.0/24 dry-run', 'move front 10.5.0.0/24'],
  );
  state.dispose();
});

test('declined preview: nothing moves; a failed move says it rolled back and the row stays', async () => {
  const declined = await conflicted([label('10.99.0.0/24')]);
  declined.ui.confirmAnswer = false;
  assert.equal(await moveNetwork({ state: declined.state, ui: declined.ui }, declined.row()), undefined);
  assert.deepEqual(
    declined.fake.calls.filter((c) => c.startsWith('move')),
    ['move front dry-run'],
  );
  declined.state.dispose();

  const { fake, state, ui, row } = await conflicted([label('10.99.0.0/24')]);
  fake.moveFailure = 'cannot create veth (injected)';
  assert.equal(await moveNetwork({ state, ui }, row()), undefined);
  assert.match(
    ui.errors[0]!,
    /^Move front: moving network front to 10\.99\.0\.0\/24 failed, so it stays on 10\.0\.1\.0\/24 with every endpoint reconnected/,
  );
  assert.deepEqual(row().icon, { codicon: 'warning', color: 'list.warningForeground' });
  state.dispose();
});

test('from the palette: movable networks, the conflicted ones first', async () => {
  const { fake, state, ui } = await conflicted([(labels) => (assert.deepEqual(labels, ['front', 'bridge']), -1)]);
  assert.equal(await moveNetwork({ state, ui }), undefined);
  assert.equal(fake.calls.filter((c) => c.startsWith('move')).length, 0);
  state.dispose();
});
