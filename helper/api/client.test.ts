import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DockerEvent } from '../../model/docker.js';
import { ApiClient, ApiError, DaemonUnreachable, DEFAULT_HOST, resolveHost, socketPathOf } from './client.js';
import { startHarness, type Harness } from './testing/harness.js';

describe('ApiClient', () => {
  let h: Harness;
  let client: ApiClient;
  before(async () => {
    h = await startHarness();
    client = new ApiClient(`unix://${h.socketPath}`);
  });
  after(() => h.close());

  it('resolves the host: flag, then CNM_HOST, then the default; bare paths too', () => {
    assert.equal(resolveHost('unix:///a.sock', { CNM_HOST: 'unix:///b.sock' }), 'unix:///a.sock');
    assert.equal(resolveHost(undefined, { CNM_HOST: 'unix:///b.sock' }), 'unix:///b.sock');
    assert.equal(resolveHost(undefined, {}), DEFAULT_HOST);
    assert.equal(socketPathOf('/run/x.sock'), '/run/x.sock');
    assert.equal(new ApiClient('/run/x.sock').host, 'unix:///run/x.sock');
    assert.throws(() => socketPathOf('tcp://1.2.3.4:2375'), /only unix/);
  });

  it('calls every endpoint', async () => {
    assert.equal(await client.ping(), 'OK');
    assert.equal((await client.version()).ApiVersion, '1.41');
    assert.deepEqual(
      (await client.listNetworks({ driver: ['host'] })).map((n) => n.Name),
      ['host'],
    );
    const { Id } = await client.createNetwork({ Name: 'cl1', Labels: { temp: '1' } });
    assert.equal((await client.inspectNetwork('cl1')).Id, Id);
    const sb = await client.createSandbox({ Name: 'csb' });
    await client.connect('cl1', { Container: 'csb' });
    assert.equal((await client.inspectSandbox('csb')).endpoints[0]?.networkName, 'cl1');
    assert.equal((await client.listSandboxes()).length, 1);
    assert.equal((await client.dnsRecords('cl1'))[0]?.name, 'csb');
    assert.ok((await client.hostInfo()).routes.length);
    await client.disconnect('cl1', { Container: sb.id });
    assert.deepEqual(await client.pruneNetworks({ label: ['temp'] }), { NetworksDeleted: ['cl1'] });
    await client.removeSandbox('csb', true);
  });

  it('turns daemon errors into ApiError with status and message', async () => {
    await assert.rejects(
      client.removeNetwork('ghost'),
      (e: unknown) => e instanceof ApiError && e.status === 404 && e.message === 'network ghost not found',
    );
  });

  it('reports a missing daemon as DaemonUnreachable in Docker wording', async () => {
    const gone = new ApiClient('unix:///nonexistent/cnmd.sock');
    await assert.rejects(
      gone.ping(),
      (e: unknown) =>
        e instanceof DaemonUnreachable &&
        e.message === 'Cannot connect to the cnm daemon at unix:///nonexistent/cnmd.sock. Is cnmd running?',
    );
  });

  it('streams events until aborted', async () => {
    const abort = new AbortController();
    const seen: DockerEvent[] = [];
    const reading = (async () => {
      for await (const ev of client.events({ filters: { type: ['network'] }, signal: abort.signal })) {
        seen.push(ev);
        if (seen.length === 2) abort.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    await h.controller.createNetwork({ Name: 'ev-a' });
    await h.controller.removeNetwork('ev-a');
    await reading;
    assert.deepEqual(
      seen.map((e) => e.Action),
      ['create', 'destroy'],
    );
  });

  it('ends the event stream when until has passed', async () => {
    const events: DockerEvent[] = [];
    for await (const ev of client.events({ until: '1' })) events.push(ev);
    assert.equal(events.length, 0);
  });
});

// cnmd closes an idle kept-alive connection while this process's event loop is blocked (as spawnSync
// does in the integration tests): the next request is handed the pooled socket before the close is seen.
it('retries once on a new connection when a kept-alive one was closed under it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-client-'));
  const socketPath = path.join(dir, 's.sock');
  const server = spawn(process.execPath, [
    '-e',
    `const s = require('http').createServer((q, r) => r.end('OK')); s.keepAliveTimeout = 2000; s.listen(${JSON.stringify(socketPath)}, () => console.log('up'));`,
  ]);
  try {
    await new Promise((r) => server.stdout.once('data', r));
    const client = new ApiClient(`unix://${socketPath}`);
    assert.equal(await client.ping(), 'OK');
    await new Promise((r) => setTimeout(r, 20)); // the connection is back in the agent's pool
    // Keep-Alive: timeout=2 keeps it pooled; the server closes it (its 2 s, plus Node's margin) meanwhile.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4500);
    assert.equal(await client.ping(), 'OK');
  } finally {
    server.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
