// A tiny HTTP server on a unix socket answering like cnmd, for tests of the real client code
// (dockerode, the ssh tunnel) without the daemon. It serves a FakeClient's state.
import * as http from 'node:http';
import type { FakeClient } from './fakeClient.js';
import { ApiError } from './client.js';

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Api-Version': '1.41' });
  res.end(text);
}

export function serveFake(fake: FakeClient, socketPath: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname.replace(/^\/v[\d.]+/, '');
      const json = body ? JSON.parse(body) : {};
      const id = path.split('/')[2];
      try {
        if (path === '/_ping') return res.end('OK');
        if (path === '/version') return send(res, 200, await fake.version());
        if (path === '/info') {
          const info = await fake.info();
          return info ? send(res, 200, info) : send(res, 404, { message: 'page not found' });
        }
        if (path === '/networks' && req.method === 'GET') return send(res, 200, await fake.listNetworks());
        if (path === '/networks/create') return send(res, 201, await fake.createNetwork(json));
        if (path === '/networks/prune') return send(res, 200, await fake.pruneNetworks());
        if (path.endsWith('/connect')) return send(res, 200, await fake.connect(id, json));
        if (path.endsWith('/disconnect')) return send(res, 200, await fake.disconnect(id, json));
        if (path.startsWith('/networks/') && req.method === 'DELETE') return send(res, 204, await fake.removeNetwork(id));
        if (path.startsWith('/networks/')) return send(res, 200, await fake.inspectNetwork(id));
        if (path === '/cnm/sandboxes') return send(res, 200, await fake.listSandboxes());
        if (path === '/cnm/sandboxes/create') return send(res, 201, await fake.createSandbox(json));
        if (path === '/cnm/host') return send(res, 200, await fake.hostInfo());
        if (path === '/cnm/cluster') {
          const view = await fake.cluster();
          return view ? send(res, 200, view) : send(res, 404, { message: 'page not found' });
        }
        if (path === '/events') {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.flushHeaders();
          const sub = await fake.events({ onEvent: (e) => res.write(JSON.stringify(e) + '\n'), onEnd: () => res.end() });
          req.socket.on('close', () => sub.close());
          return;
        }
        send(res, 404, { message: `page not found: ${path}` });
      } catch (err) {
        send(res, err instanceof ApiError ? err.status : 500, { message: (err as Error).message });
      }
    });
  });
  return new Promise((resolve) => server.listen(socketPath, () => resolve(server)));
}
