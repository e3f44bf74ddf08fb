// Drivers come from the connected cnmd (GET /info → Plugins.Network): completion offers those,
// a driver it lacks is flagged naming the host; offline, the whole vocabulary, marked as such.
// The daemon here is a fake on a unix socket serving the few paths the live layer reads.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { CompletionItem, Diagnostic } from 'vscode-languageserver';
import type { DockerInfo } from '../model/docker.js';
import { DRIVERS } from '../model/cnm.js';
import { OFFLINE_DRIVERS } from './providers/completion.js';
import { startTestClient, type TestClient } from './testing/lsp-client.js';

interface FakeCnmd {
  socketPath: string;
  drivers: string[];
  /** Sends an event, so the language server fetches the host state again. */
  announce(): void;
  close(): Promise<void>;
}

async function startFakeCnmd(drivers: string[]): Promise<FakeCnmd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cnm-lsp-drivers-${process.pid}-`));
  const socketPath = path.join(dir, 'cnmd.sock');
  const streams = new Set<http.ServerResponse>();
  const fake: FakeCnmd = {
    socketPath,
    drivers,
    announce: () =>
      streams.forEach((s) =>
        s.write(`${JSON.stringify({ Type: 'network', Action: 'create', Actor: { ID: 'x', Attributes: {} }, time: 0 })}\n`),
      ),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve(fs.rmSync(dir, { recursive: true, force: true })));
        server.closeAllConnections();
      }),
  };
  const json = (res: http.ServerResponse, value: unknown) =>
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
  const server = http.createServer((req, res) => {
    const info: Partial<DockerInfo> = {
      Name: 'labhost',
      ServerVersion: '0.1.0-test',
      Plugins: { Network: fake.drivers, Volume: [], Log: [] },
    };
    const answers: Record<string, unknown> = {
      '/info': info,
      '/networks': [],
      '/cnm/sandboxes': [],
      '/cnm/host': { interfaces: [], routes: [] },
    };
    const url = new URL(req.url ?? '/', 'http://cnmd').pathname;
    if (url === '/events') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      streams.add(res);
      res.on('close', () => streams.delete(res));
    } else if (url in answers) json(res, answers[url]);
    else res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"page not found"}');
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return fake;
}

let cnmd: FakeCnmd;
let live: TestClient;
let offline: TestClient;
before(async () => {
  cnmd = await startFakeCnmd(['bridge', 'macvlan', 'null']);
  live = await startTestClient({ cnmHost: cnmd.socketPath });
  offline = await startTestClient({ live: false });
});
after(async () => {
  await live.close();
  await offline.close();
  await cnmd.close();
});

const FILE =
  'networks:\n  a:\n    driver: bridge\n  b:\n    driver: overlay\n  c: {driver: macvlan, driver_opts: {parent: eth0}}\n  d:\n    driver: nonesuch\n  e:\n    driver: \n';
let n = 0;

async function driversAt(c: TestClient): Promise<Array<[string, string | undefined]>> {
  const uri = `file:///tmp/drivers${n++}/compose.yaml`;
  await c.open(uri, FILE);
  const items: CompletionItem[] = await c.conn.sendRequest('textDocument/completion', {
    textDocument: { uri },
    position: { line: 9, character: 12 },
  });
  return items.map((i) => [i.label, i.detail]);
}

const byCode = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code).map((d) => [d.range.start.line, d.message]);

test('connected: completion offers the drivers cnmd implements; a driver it lacks is flagged naming the host', async () => {
  const uri = 'file:///tmp/drivers/compose.yaml';
  await live.open(uri, FILE);
  const ds = await live.diagnosticsWhere(uri, (d) => d.some((x) => x.code === 'driver-not-on-host'));
  assert.deepEqual(byCode(ds, 'driver-not-on-host'), [
    [4, `The cnmd on host "labhost" (unix://${cnmd.socketPath}) has no overlay driver (it has: bridge, macvlan, null).`],
  ]);
  assert.deepEqual(
    byCode(ds, 'unknown-driver').map(([line]) => line),
    [7],
    "a driver outside the vocabulary stays the static check's",
  );
  assert.deepEqual(await driversAt(live), [
    ['bridge', 'cnmd on labhost'],
    ['macvlan', 'cnmd on labhost'],
    ['null', 'cnmd on labhost'],
  ]);
});

test('when cnmd gains a driver (next refresh), the diagnostic goes and completion offers it', async () => {
  const uri = 'file:///tmp/drivers/gains.yaml';
  await live.open(uri, FILE);
  await live.diagnosticsWhere(uri, (d) => d.some((x) => x.code === 'driver-not-on-host'));
  cnmd.drivers = ['bridge', 'macvlan', 'null', 'overlay'];
  cnmd.announce();
  await live.diagnosticsWhere(uri, (d) => d.length > 0 && !d.some((x) => x.code === 'driver-not-on-host'));
  assert.ok((await driversAt(live)).some(([d]) => d === 'overlay'));
});

test('offline: the whole vocabulary, marked as such, and no host diagnostics', async () => {
  const uri = 'file:///tmp/drivers/offline.yaml';
  const ds = await offline.open(uri, FILE);
  assert.deepEqual(byCode(ds, 'driver-not-on-host'), []);
  assert.deepEqual(
    await driversAt(offline),
    DRIVERS.map((d) => [d, OFFLINE_DRIVERS]),
  );
});
