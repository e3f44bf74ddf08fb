import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DockerodeClient } from './dockerClient.js';
import { FakeClient } from './fakeClient.js';
import { serveFake } from './fakeDaemon.js';
import { DaemonState, type Snapshot } from './state.js';

function waitFor(state: DaemonState, pred: (s: Snapshot) => boolean, ms = 2000): Promise<Snapshot> {
  if (pred(state.current)) return Promise.resolve(state.current);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      sub.dispose();
      reject(new Error('timeout; state: ' + JSON.stringify(state.current.reachability)));
    }, ms);
    const sub = state.onChange((s) => {
      if (pred(s)) {
        clearTimeout(t);
        sub.dispose();
        resolve(s);
      }
    });
  });
}
const names = (s: Snapshot) => s.networks.map((n) => n.Name).sort();

test('reads everything, follows events, reconnects after the daemon comes back', async () => {
  const fake = new FakeClient();
  const state = new DaemonState(fake, { retryMs: 20, maxRetryMs: 40 });
  try {
    await state.start();
    assert.deepEqual(names(state.current), ['bridge', 'host', 'none']);
    assert.equal(state.current.reachability.state, 'connected');
    await fake.createNetwork({ Name: 'web' });
    await waitFor(state, (s) => names(s).includes('web'));
    fake.drop();
    await waitFor(state, (s) => s.reachability.state === 'unreachable');
    fake.reachable = true;
    fake.networks.push({ ...fake.networks[0], Id: 'f'.repeat(64), Name: 'made-while-away' });
    await waitFor(state, (s) => s.reachability.state === 'connected' && names(s).includes('made-while-away'));
  } finally {
    state.dispose();
  }
});

test('over a real socket with dockerode: an event updates one network without a full re-read', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-state-'));
  const fake = new FakeClient();
  const server = await serveFake(fake, path.join(dir, 'd.sock'));
  const state = new DaemonState(new DockerodeClient(path.join(dir, 'd.sock')));
  try {
    await state.start();
    assert.equal(state.current.reachability.state, 'connected');
    await fake.createSandbox({ Name: 'a' });
    const listsBefore = fake.calls.filter((c) => c === 'list').length;
    const t0 = performance.now();
    await fake.createNetwork({ Name: 'db' });
    const web = fake.networks.find((n) => n.Name === 'db')!;
    await fake.connect(web.Id, { Container: 'a' });
    const s = await waitFor(state, (x) => Object.keys(x.networks.find((n) => n.Name === 'db')?.Containers ?? {}).length === 1);
    assert.ok(performance.now() - t0 < 1000);
    assert.equal(fake.calls.filter((c) => c === 'list').length, listsBefore, 'no full list after an event');
    assert.equal(s.sandboxes?.[0].endpoints[0].networkName, 'db');
  } finally {
    state.dispose();
    server.closeAllConnections();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('unreachable socket: the state says why', async () => {
  const state = new DaemonState(new DockerodeClient('/nonexistent/cnm.sock'), { retryMs: 10_000 });
  try {
    await state.start();
    const r = state.current.reachability;
    assert.equal(r.state, 'unreachable');
    assert.match(r.state === 'unreachable' ? r.error.message : '', /ENOENT/);
  } finally {
    state.dispose();
  }
});

test("cnmd's heal events reach onHeal listeners and refresh the sandboxes", async () => {
  const fake = new FakeClient();
  const state = new DaemonState(fake, { retryMs: 20, maxRetryMs: 40 });
  try {
    await state.start();
    const got: string[] = [];
    state.onHeal((e) => got.push(`${e.Action} ${e.Actor.Attributes.subject}`));
    const [h] = (fake as unknown as { handlers: Set<{ onEvent(e: unknown): void }> }).handlers;
    h.onEvent({ Type: 'network', Action: 'create', Actor: { ID: 'x', Attributes: {} }, scope: 'local', time: 0, timeNano: 0 });
    h.onEvent({
      Type: 'cnm',
      Action: 'heal',
      Actor: {
        ID: 'inet cnm',
        Attributes: { subject: 'firewall', name: 'inet cnm', detail: 'nft (pid 7) changed it: re-applied', ms: '2.1' },
      },
      scope: 'local',
      time: 0,
      timeNano: 0,
    });
    assert.deepEqual(got, ['heal firewall']);
  } finally {
    state.dispose();
  }
});
