// Generated API requests against a running cnmd: random methods, paths (with /v1.NN prefixes,
// percent-encodings good and bad, request targets in absolute form), query strings, headers and
// bodies (near-valid bodies with one field swapped for a value of another type, broken JSON).
// After every request that could change something, the state (networks with their containers,
// sandboxes with their endpoints) is read back: a refused request (4xx or 5xx) must leave it as it was.
import http from 'node:http';
import net from 'node:net';
import { Random } from './random.js';

export interface ApiFuzzResult {
  requests: number;
  byStatus: Record<string, number>;
  /** Refused requests (4xx/5xx) after which the state differed: must be empty. */
  changedByRefused: string[];
  /** Every 5xx, with its request: must be empty. */
  serverErrors: string[];
  /** Requests that got no HTTP answer at all (connection reset): must be empty. */
  unanswered: string[];
  /** Raw requests the server closed without a status line (Node's parser refusing bytes it cannot read). */
  closed: string[];
  ms: number;
}

interface Req {
  method: string;
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const ROUTES = [
  '/networks',
  '/networks/{id}',
  '/networks/create',
  '/networks/{id}/connect',
  '/networks/{id}/disconnect',
  '/networks/prune',
  '/cnm/sandboxes/create',
  '/cnm/sandboxes',
  '/cnm/sandboxes/{id}',
  '/cnm/sandboxes/{id}/rename',
  '/cnm/dns',
  '/cnm/host',
  '/cnm/networks/{id}/notes',
  '/_ping',
  '/version',
  '/info',
  '/events',
];

export class ApiFuzzer {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 2 });

  constructor(
    private readonly socketPath: string,
    private readonly rnd: Random,
    /** Names that exist (networks, sandboxes), so some requests reach real objects. */
    private readonly known: string[],
  ) {}

  /** A random JSON value of any type, sometimes big or deep. */
  private anyValue(depth = 0): unknown {
    const r = this.rnd;
    switch (r.int(depth > 2 ? 6 : 9)) {
      case 0:
        return r.pick([0, -1, 1.5, 1e308, 2 ** 53 + 1, 5]);
      case 1:
        return r.string(r.int(20));
      case 2:
        return r.pick([true, false]);
      case 3:
        return null;
      case 4:
        return r.string(r.pick([300, 5000]), 'a');
      case 5:
        return r.pick(['10.0.0.1/32', '::/0', 'fd00::/64', '10.99.0.0/24', 'xyz', '1.1.1.1', 'a\nb', '']);
      case 6:
        return Array.from({ length: r.int(4) }, () => this.anyValue(depth + 1));
      case 7:
        return Object.fromEntries(Array.from({ length: r.int(4) }, () => [r.string(r.int(8)), this.anyValue(depth + 1)]));
      default:
        return [r.string(3)];
    }
  }

  private name(): string {
    const r = this.rnd;
    return r.int(3) === 0 ? r.pick(this.known) : `fz${r.int(1e6)}`;
  }

  /** A body shaped like the path's, then (mostly) one field swapped for a value of another type. */
  private body(route: string): unknown {
    const r = this.rnd;
    let b: Record<string, unknown>;
    if (route === '/networks/create')
      b = {
        Name: this.name(),
        Driver: r.pick(['bridge', 'null', 'macvlan', 'nope', undefined]),
        EnableIPv6: r.pick([true, false, undefined]),
        Internal: r.pick([true, false]),
        IPAM: { Config: [{ Subnet: r.pick(['10.123.0.0/24', '10.124.0.1/32', '::/0', 'fd12::/64', 'xyz', undefined]) }] },
        Labels: { a: 'b' },
        Options: r.pick([{}, { 'com.docker.network.bridge.name': r.pick(['lo', 'fzbr0', 'x'.repeat(20)]) }]),
      };
    else if (route === '/cnm/sandboxes/create')
      b = {
        Name: this.name(),
        Network: r.pick(this.known),
        Hostname: r.pick(['h1', 'bad host', 'a\nb', undefined]),
        Aliases: r.pick([['x'], 'xyz', [5], undefined]),
        Dns: r.pick([['1.1.1.1'], ['not-an-ip'], ['1.1.1.1\nsearch evil'], undefined]),
        IPv4Address: r.pick(['', '10.77.0.200', '999.1.1.1', undefined]),
      };
    else if (route.endsWith('/connect'))
      b = {
        Container: this.name(),
        EndpointConfig: { Aliases: r.pick([['a'], 'xyz', [5]]), IPAMConfig: { IPv4Address: r.pick(['10.77.0.201', 5, '']) } },
      };
    else if (route.endsWith('/disconnect')) b = { Container: this.name(), Force: r.pick([true, false, 'yes']) };
    else b = {};
    if (r.int(5) !== 0) {
      // Swap one field (maybe nested) for anything.
      let target: Record<string, unknown> = b;
      const keys = Object.keys(target);
      if (keys.length) {
        let key = r.pick(keys);
        const inner = target[key];
        if (inner && typeof inner === 'object' && !Array.isArray(inner) && r.int(2) === 0 && Object.keys(inner).length) {
          target = inner as Record<string, unknown>;
          key = r.pick(Object.keys(target));
        }
        target[key] = this.anyValue();
      }
    }
    return r.int(10) === 0 ? this.anyValue() : b;
  }

  private segment(): string {
    const r = this.rnd;
    switch (r.int(6)) {
      case 0:
      case 1:
        return encodeURIComponent(r.pick(this.known));
      case 2:
        return encodeURIComponent(r.string(1 + r.int(12)));
      case 3:
        return r.pick(['%ff', '%', '%zz', '%c0%af', '%00', '%2F', 'a%2', '%e2%82']);
      case 4:
        return 'x'.repeat(r.pick([64, 1000, 8000]));
      default:
        return r.string(1 + r.int(6), 'abc012');
    }
  }

  next(): Req {
    const r = this.rnd;
    const route = r.int(20) === 0 ? `/${r.string(r.int(10), 'abc/._-')}` : r.pick(ROUTES);
    const method = r.pick(['POST', 'POST', 'POST', 'GET', 'GET', 'DELETE', 'DELETE', 'PUT', 'HEAD', 'PATCH', 'OPTIONS']);
    const prefix = r.pick(['', '', '', '/v1.41', '/v1.12', '/v9.99', '/v1.0', '/v1.41/v1.41']);
    let path = prefix + route.replace(/\{id\}/g, () => this.segment());
    if (route === '/events')
      path += '?since=0&until=1'; // a past `until`: the stream ends at once
    else if (r.int(3) === 0)
      path += r.pick([
        '?force=1',
        `?name=${this.segment()}`,
        `?filters=${encodeURIComponent(JSON.stringify(this.anyValue()))}`,
        '?filters=%ff%',
        `?${r.string(8)}`,
      ]);
    if (r.int(15) === 0)
      path = r.pick([`http://x:99999${path}`, `//cnmd${path}`, 'http://[', '//[', 'http://a:b@[::1', '*', `http://cnmd${path}`]);
    const headers: Record<string, string> = {};
    if (r.int(2) === 0) headers['Content-Type'] = r.pick(['application/json', 'text/plain', 'application/x-tar', '']);
    if (r.int(10) === 0) headers['X-Fuzz'] = r.string(r.pick([10, 4000]), 'abc');
    let body: Buffer | undefined;
    if (method === 'POST' || method === 'PUT' || r.int(10) === 0) {
      const kind = r.int(12);
      if (kind === 0) body = Buffer.from(r.pick(['{', '{"Name":', '[]', 'null', '5', '"x"', '{"Name":"a",}', '\u0000']));
      else if (kind === 1) body = r.bytes(r.int(200));
      else if (kind === 2) body = Buffer.from('['.repeat(5000) + ']'.repeat(5000));
      else body = Buffer.from(JSON.stringify(this.body(route)) ?? 'null');
    }
    return { method, target: path, headers, body };
  }

  /** Sends one request: through node's client when it can express it, else raw on a fresh socket. */
  send(req: Req): Promise<{ status: number; text: string }> {
    const rawNeeded = !req.target.startsWith('/') || req.target.startsWith('//') || /[^\x21-\x7e]/.test(req.target);
    if (rawNeeded) return this.sendRaw(req);
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, ...(req.body ? { 'Content-Length': String(req.body.length) } : {}) };
      const r = http.request({ socketPath: this.socketPath, method: req.method, path: req.target, headers, agent: this.agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      });
      r.setTimeout(20_000, () => r.destroy(new Error('no answer in 20 s')));
      r.on('error', reject);
      r.end(req.body);
    });
  }

  private sendRaw(req: Req): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const sock = net.connect(this.socketPath);
      let text = '';
      sock.setTimeout(20_000, () => sock.destroy(new Error('no answer in 20 s')));
      sock.on('data', (d) => (text += d));
      sock.on('error', reject);
      sock.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text: text.slice(0, 2000) }));
      const body = req.body ?? Buffer.alloc(0);
      const head = [`${req.method} ${req.target} HTTP/1.1`, 'Host: cnmd', 'Connection: close', `Content-Length: ${body.length}`];
      for (const [k, v] of Object.entries(req.headers)) head.push(`${k}: ${v}`);
      sock.end(Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n', 'latin1'), body]));
    });
  }

  /** Networks (with containers and their addresses) and sandboxes (with endpoints), in a comparable form. */
  async state(): Promise<string> {
    const get = async (p: string) => JSON.parse((await this.send({ method: 'GET', target: p, headers: {} })).text) as unknown;
    const [n, s] = await Promise.all([get('/networks'), get('/cnm/sandboxes')]);
    const nets = n as Array<{
      Id: string;
      Name: string;
      Containers: Record<string, unknown>;
      IPAM: unknown;
      Labels: unknown;
    }>;
    const sbs = s as Array<{
      id: string;
      name: string;
      hostname: string;
      dns: string[];
      endpoints: Array<{ id: string; ipv4?: string; aliases: string[] }>;
    }>;
    return JSON.stringify([
      nets.map((n) => [n.Id, n.Name, n.IPAM, n.Labels, Object.entries(n.Containers).sort()]).sort(),
      sbs.map((s) => [s.id, s.name, s.hostname, s.dns, s.endpoints.map((e) => [e.id, e.ipv4, e.aliases]).sort()]).sort(),
    ]);
  }

  async run(count: number): Promise<ApiFuzzResult> {
    const started = Date.now();
    const out: ApiFuzzResult = { requests: 0, byStatus: {}, changedByRefused: [], serverErrors: [], unanswered: [], closed: [], ms: 0 };
    let before = await this.state();
    for (let i = 0; i < count; i++) {
      const req = this.next();
      const shown = `${req.method} ${req.target.slice(0, 120)} ${req.body?.toString('utf8', 0, 200) ?? ''}`;
      let res: { status: number; text: string };
      try {
        res = await this.send(req);
      } catch (err) {
        out.unanswered.push(`${shown}: ${(err as Error).message}`);
        continue;
      }
      out.requests++;
      const cls = res.status === 0 ? 'none' : `${Math.floor(res.status / 100)}xx`;
      out.byStatus[cls] = (out.byStatus[cls] ?? 0) + 1;
      if (res.status === 0) out.closed.push(shown);
      if (res.status >= 500) out.serverErrors.push(`${shown} → ${res.status} ${res.text.slice(0, 300)}`);
      // Only POST and DELETE reach a handler that changes something; a 405 or an unknown path never reaches one.
      if ((req.method !== 'POST' && req.method !== 'DELETE') || res.status === 405 || res.text.includes('page not found')) continue;
      const after = await this.state();
      if (after !== before && (res.status >= 400 || res.status === 0))
        out.changedByRefused.push(`${shown} → ${res.status} ${res.text.slice(0, 300)}`);
      before = after;
    }
    this.agent.destroy();
    out.ms = Date.now() - started;
    return out;
  }
}
