import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DockerEvent, NetworkResource } from '../../model/docker.js';
import { CnmError } from '../errors.js';
import { ApiClient } from './client.js';
import { startApiServer } from './server.js';
import { FakeController, readFixture } from './testing/fake-controller.js';
import { startHarness, type Harness } from './testing/harness.js';
import { TEST_KERNEL } from '../../model/features.js';

const json = (s: string) => JSON.parse(s);
const names = (text: string) => (json(text) as NetworkResource[]).map((n) => n.Name).sort();
const q = (filters: unknown) => `filters=${encodeURIComponent(JSON.stringify(filters))}`;

describe('api server', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('answers /_ping with OK and Docker headers, with or without a version prefix', async () => {
    for (const p of ['/_ping', '/v1.41/_ping', '/v1.24/_ping']) {
      const r = await h.request('GET', p);
      assert.equal(r.status, 200);
      assert.equal(r.text, 'OK');
      assert.match(r.headers['content-type']!, /^text\/plain/);
      assert.equal(r.headers['api-version'], '1.41');
      assert.equal(r.headers['docker-experimental'], 'false');
      assert.equal(r.headers['ostype'], 'linux');
      assert.equal(r.headers['server'], 'cnmd/0.1.0-test');
    }
    const head = await h.request('HEAD', '/_ping');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
  });

  it('keeps an idle keep-alive connection open past the 5 s after which Node clients drop theirs', async () => {
    // A server that closed first would race a client reusing the socket (EPIPE on its next request).
    const agent = new http.Agent({ keepAlive: true, timeout: 30_000 });
    const get = () =>
      new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.get({ socketPath: h.socketPath, path: '/_ping', agent }, (res) => res.resume().once('end', () => resolve(res)));
        req.once('error', reject);
      });
    const first = await get();
    await new Promise((r) => setTimeout(r, 5_500));
    const free = Object.values(agent.freeSockets).flat();
    assert.equal(free.length, 1, 'the idle socket is still in the pool');
    assert.equal(free[0]!.destroyed, false, 'the server did not close it');
    const second = await get();
    assert.equal(second.socket, first.socket, 'the next request reuses it');
    agent.destroy();
  });

  it('refuses API versions newer than 1.41 with Docker wording', async () => {
    const r = await h.request('GET', '/v1.47/networks');
    assert.equal(r.status, 400);
    assert.equal(json(r.text).message, 'client version 1.47 is too new. Maximum supported API version is 1.41');
  });

  it("a sandbox error: Docker's text plus cnm's detail on Docker's paths, cnm's wording on /cnm/ paths", async () => {
    const detail = { reason: 'no-such-sandbox', sandbox: 'ghost' };
    const docker = await h.request('POST', '/v1.41/networks/frontend/connect', JSON.stringify({ Container: 'ghost' }), {
      'Content-Type': 'application/json',
    });
    assert.equal(docker.status, 404);
    assert.deepEqual(json(docker.text), { message: 'No such container: ghost', cnm: detail });
    const own = await h.request('GET', '/cnm/sandboxes/ghost');
    assert.equal(own.status, 404);
    assert.deepEqual(json(own.text), { message: 'No such sandbox: ghost', cnm: detail });
    await assert.rejects(
      new ApiClient(h.socketPath).connect('frontend', { Container: 'ghost' }),
      (err: Error) => err.message === 'No such sandbox: ghost',
    );
  });

  it("an error without cnm's detail is Docker's body alone on both kinds of path", async () => {
    assert.deepEqual(json((await h.request('GET', '/networks/nosuchnet')).text), { message: 'network nosuchnet not found' });
    assert.deepEqual(Object.keys(json((await h.request('DELETE', '/cnm/sandboxes/')).text)), ['message']);
  });

  it('serves /version for negotiation', async () => {
    const v = json((await h.request('GET', '/version')).text);
    assert.equal(v.ApiVersion, '1.41');
    assert.equal(v.MinAPIVersion, '1.12');
    assert.equal(v.Os, 'linux');
    assert.equal(v.Version, '0.1.0-test');
    assert.equal(v.Components[0].Details.ApiVersion, '1.41');
  });

  it('inspects a network byte-for-byte as Docker does', async () => {
    const r = await h.request('GET', '/v1.41/networks/frontend?verbose=false&scope=local');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.text, readFixture('docker-api-v1.41-GET-networks-frontend.json'));
  });

  it('finds networks by id prefix and answers 404 with the fixture wording', async () => {
    assert.equal(json((await h.request('GET', '/networks/6b309b')).text).Name, 'frontend');
    const r = await h.request('GET', '/networks/nosuchnet');
    assert.equal(r.status, 404);
    assert.equal(r.text, '{"message":"network nosuchnet not found"}\n');
    assert.equal(`Error response from daemon: ${json(r.text).message}\n`, readFixture('docker-error-inspect-missing.txt'));
  });

  it('lists networks with each filter, in both encodings', async () => {
    const list = (f: unknown) => h.request('GET', `/networks?${q(f)}`).then((r) => names(r.text));
    assert.equal((await list({})).length, 7);
    assert.deepEqual(await list({ name: { end: true } }), ['backend', 'frontend']);
    assert.deepEqual(await list({ name: ['end'] }), ['backend', 'frontend']);
    assert.deepEqual(await list({ driver: ['host', 'null'] }), ['host', 'none']);
    assert.deepEqual(await list({ id: ['6b309b'] }), ['frontend']);
    assert.deepEqual(await list({ label: ['owner'] }), ['custom']);
    assert.deepEqual(await list({ label: ['owner=steering'] }), ['custom']);
    assert.deepEqual(await list({ label: ['owner=other'] }), []);
    assert.deepEqual(await list({ type: ['builtin'] }), ['bridge', 'host', 'none']);
    assert.equal((await list({ type: ['custom'] })).length, 4);
    assert.deepEqual(await list({ scope: ['swarm'] }), []);
    const dangling = await list({ dangling: ['true'] });
    assert.ok(!dangling.includes('bridge') && dangling.includes('custom'));
  });

  it('rejects unknown filters and bad values with 400', async () => {
    for (const [f, msg] of [
      [{ bogus: ['x'] }, "Invalid filter 'bogus'"],
      [{ type: ['weird'] }, "invalid filter: 'type'='weird'"],
      [{ dangling: ['maybe'] }, 'invalid value for filter \'dangling\', must be "true" (or "1"), or "false" (or "0")'],
    ] as const) {
      const r = await h.request('GET', `/networks?${q(f)}`);
      assert.equal(r.status, 400);
      assert.equal(json(r.text).message, msg);
    }
    assert.equal((await h.request('GET', '/networks?filters=%7Bnope')).status, 400);
  });

  it('creates (201, body not query), refuses duplicates (409), removes (204)', async () => {
    const body = JSON.stringify({ Name: 'made', Driver: 'bridge', Labels: { a: 'b' } });
    const r = await h.request('POST', '/v1.41/networks/create?Name=ignored', body, { 'Content-Type': 'application/json' });
    assert.equal(r.status, 201);
    const { Id, Warning } = json(r.text);
    assert.match(Id, /^[0-9a-f]{64}$/);
    assert.equal(Warning, '');
    assert.equal(r.text, `{"Id":"${Id}","Warning":""}\n`);
    const dup = await h.request('POST', '/networks/create', body);
    assert.equal(dup.status, 409);
    assert.equal(
      `Error response from daemon: ${json(dup.text).message}\n`,
      readFixture('docker-error-duplicate-network.txt').replace('frontend', 'made'),
    );
    const del = await h.request('DELETE', `/networks/${Id}`);
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
  });

  it('refuses to remove predefined and in-use networks (403)', async () => {
    const c = new FakeController();
    const own = await startHarness(c);
    try {
      assert.equal((await own.request('DELETE', '/networks/bridge')).status, 403);
      await c.createSandbox({ Name: 'c1', Network: 'frontend' });
      const r = await own.request('DELETE', '/networks/frontend');
      assert.equal(r.status, 403);
      const expected = readFixture('docker-error-rm-in-use.txt').split('\n')[0];
      assert.equal(`Error response from daemon: ${json(r.text).message}`, expected);
    } finally {
      await own.close();
    }
  });

  it('connects and disconnects with 200 and an empty body', async () => {
    await h.controller.createSandbox({ Name: 'sb1' });
    const con = await h.request(
      'POST',
      '/networks/backend/connect',
      JSON.stringify({ Container: 'sb1', EndpointConfig: { IPAMConfig: { IPv4Address: '172.23.0.9' } } }),
    );
    assert.equal(con.status, 200);
    assert.equal(con.text, '');
    assert.ok(Object.values(h.controller.inspectNetwork('backend').Containers).some((c) => c.Name === 'sb1'));
    const dis = await h.request('POST', '/networks/backend/disconnect', JSON.stringify({ Container: 'sb1', Force: false }));
    assert.equal(dis.status, 200);
    const missing = await h.request('POST', '/networks/backend/connect', JSON.stringify({ Container: 'ghost' }));
    assert.equal(missing.status, 404);
  });

  it('prunes with until / label / label! filters and answers null when nothing went', async () => {
    const c = new FakeController();
    const own = await startHarness(c);
    try {
      await c.createNetwork({ Name: 'keepme', Labels: { keep: '1' } });
      let r = await own.request('POST', `/networks/prune?${q({ until: ['1h'] })}`);
      assert.deepEqual(json(r.text), { NetworksDeleted: ['custom', 'v6net', 'backend'] }); // frontend has containers in the fixture
      r = await own.request('POST', `/networks/prune?${q({ 'label!': ['keep'] })}`);
      assert.equal(r.text, '{"NetworksDeleted":null}\n');
      r = await own.request('POST', `/networks/prune?${q({ label: ['keep=1'] })}`);
      assert.deepEqual(json(r.text).NetworksDeleted, ['keepme']);
      assert.equal((await own.request('POST', `/networks/prune?${q({ name: ['x'] })}`)).status, 400);
    } finally {
      await own.close();
    }
  });

  it('streams events as JSON lines, filtered, and ends at until', async () => {
    const c = new FakeController();
    const own = await startHarness(c);
    try {
      const past = await own.request('GET', '/events?until=1');
      assert.equal(past.status, 200);
      assert.equal(past.text, '');
      const got: DockerEvent[] = [];
      const until = (Date.now() + 1500) / 1000;
      const done = own.request('GET', `/events?until=${until}&${q({ type: ['network'], event: ['create'] })}`);
      await new Promise((r) => setTimeout(r, 100));
      await c.createNetwork({ Name: 'ev1' });
      await c.removeNetwork('ev1');
      const r = await done;
      for (const line of r.text.trim().split('\n')) got.push(json(line));
      assert.deepEqual(
        got.map((e) => [e.Type, e.Action, e.Actor.Attributes.name]),
        [['network', 'create', 'ev1']],
      );
      assert.equal((await own.request('GET', `/events?${q({ nope: ['x'] })}`)).status, 400);
    } finally {
      await own.close();
    }
  });

  it('replays kept events for a since in the past, then stops at until', async () => {
    const c = new FakeController();
    const own = await startHarness(c);
    try {
      const t0 = Date.now() / 1000 - 1;
      await c.createNetwork({ Name: 'ev2' });
      await c.removeNetwork('ev2');
      const r = await own.request('GET', `/events?since=${t0}&until=${Date.now() / 1000 + 0.05}`);
      const got = r.text
        .trim()
        .split('\n')
        .map((l) => json(l) as DockerEvent);
      assert.deepEqual(
        got.map((e) => [e.Action, e.Actor.Attributes.name]),
        [
          ['create', 'ev2'],
          ['destroy', 'ev2'],
        ],
      );
    } finally {
      await own.close();
    }
  });

  it('answers as Docker outside a swarm: /info Swarm inactive, /swarm/leave 503, inspect with another scope 404', async () => {
    const info = json((await h.request('GET', '/info')).text);
    assert.equal(info.Swarm.LocalNodeState, 'inactive');
    assert.equal(info.Images, undefined, 'nothing made up');
    const leave = await h.request('POST', '/swarm/leave?force=1');
    assert.deepEqual([leave.status, json(leave.text).message], [503, 'This node is not part of a swarm']);
    assert.equal((await h.request('GET', '/networks/frontend?scope=local')).status, 200);
    const swarm = await h.request('GET', '/networks/frontend?scope=swarm');
    assert.deepEqual([swarm.status, json(swarm.text).message], [404, 'network frontend not found']);
    assert.equal((await h.request('GET', '/networks/frontend?verbose=maybe')).status, 400);
  });

  it('serves sandboxes, dns and host', async () => {
    const r = await h.request(
      'POST',
      '/cnm/sandboxes/create',
      JSON.stringify({ Name: 'web', Network: 'frontend', IPv4Address: '172.22.0.50' }),
    );
    assert.equal(r.status, 201);
    const view = json(r.text);
    assert.equal(view.name, 'web');
    assert.equal(view.endpoints[0].networkName, 'frontend');
    assert.equal(json((await h.request('GET', '/cnm/sandboxes/web')).text).id, view.id);
    assert.ok(json((await h.request('GET', '/cnm/sandboxes')).text).some((s: { name: string }) => s.name === 'web'));
    const dns = json((await h.request('GET', '/cnm/dns?network=frontend')).text);
    assert.ok(dns.some((d: { name: string; address: string }) => d.name === 'web' && d.address === '172.22.0.50'));
    assert.ok(Array.isArray(json((await h.request('GET', '/cnm/host')).text).interfaces));
    assert.equal((await h.request('DELETE', '/cnm/sandboxes/web')).status, 409);
    assert.equal((await h.request('DELETE', '/cnm/sandboxes/web?force=1')).status, 204);
    assert.equal((await h.request('GET', '/cnm/sandboxes/web')).status, 404);
  });

  it('maps errors: 404 page, 405 method, 400 JSON, 413 size, 500 other', async () => {
    const notFound = await h.request('GET', '/containers/json');
    assert.equal(notFound.status, 404);
    assert.equal(notFound.text, '{"message":"page not found"}\n');
    assert.equal((await h.request('PUT', '/networks')).status, 405);
    assert.equal((await h.request('DELETE', '/networks/create/x')).status, 404);
    const bad = await h.request('POST', '/networks/create', '{"Name": ');
    assert.equal(bad.status, 400);
    assert.match(json(bad.text).message, /^malformed JSON body/);
    assert.equal((await h.request('POST', '/networks/create', '[1]')).status, 400);
    const big = await h.request('POST', '/networks/create', Buffer.alloc(2 * 1024 * 1024, 32));
    assert.equal(big.status, 413);
    const chunked = await h.request('POST', '/networks/create', Buffer.alloc(2 * 1024 * 1024, 32), { 'Transfer-Encoding': 'chunked' });
    assert.equal(chunked.status, 413);
    const orig = h.controller.listNetworks;
    h.controller.listNetworks = () => {
      throw new Error('boom');
    };
    try {
      const r = await h.request('GET', '/networks');
      assert.equal(r.status, 500);
      assert.equal(json(r.text).message, 'boom');
    } finally {
      h.controller.listNetworks = orig;
    }
    const inspect = h.controller.inspectNetwork;
    h.controller.inspectNetwork = () => {
      throw new CnmError('unsupported', 'no vxlan in this kernel');
    };
    try {
      assert.equal((await h.request('GET', '/networks/x')).status, 500);
    } finally {
      h.controller.inspectNetwork = inspect;
    }
  });

  it('makes the socket 0660 and replaces a stale socket file', async () => {
    assert.equal(fs.statSync(h.socketPath).mode & 0o777, 0o660);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-stale-'));
    const socketPath = path.join(dir, 'cnmd.sock');
    fs.writeFileSync(socketPath, 'left over');
    const server = await startApiServer({ socketPath, controller: new FakeController(), version: 't', kernel: TEST_KERNEL });
    try {
      assert.equal(await new ApiClient(socketPath).ping(), 'OK');
    } finally {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(fs.existsSync(socketPath), false);
  });

  it('keeps the request path lean: a connect round trip well under 3 ms', async () => {
    const client = new ApiClient(h.socketPath);
    await h.controller.createSandbox({ Name: 'fast' });
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now();
      await client.connect('custom', { Container: 'fast' });
      await client.disconnect('custom', { Container: 'fast' });
      times.push((performance.now() - t0) / 2);
    }
    const warm = times.slice(20).sort((a, b) => a - b); // the first rounds include JIT warm-up
    assert.ok(warm[20]! < 3, `median API overhead ${warm[20]!.toFixed(2)} ms`);
  });
});
