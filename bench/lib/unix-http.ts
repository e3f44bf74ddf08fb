// A minimal JSON-over-HTTP client for a unix socket. Both systems under test (dockerd and cnmd) are
// measured through this one client, so client overhead is identical and no CLI start-up is counted.
import http from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} -> ${status}: ${body.trim().slice(0, 300)}`);
  }
}

export interface Reply {
  status: number;
  body: string;
  /** Wall time from issuing the request to the last byte of the response, in ms. */
  ms: number;
}

export class UnixHttp {
  // keep-alive, as the docker CLI and dockerode do: a measured call then pays for the request,
  // not for a fresh connect(2) on the socket.
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  constructor(readonly socketPath: string) {}

  request(method: string, path: string, body?: unknown, timeoutMs = 120_000): Promise<Reply> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const start = process.hrtime.bigint();
      const req = http.request(
        {
          socketPath: this.socketPath,
          agent: this.agent,
          method,
          path,
          // Docker's daemon ignores the host, but HTTP/1.1 requires one.
          headers: {
            Host: 'localhost',
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const ms = Number(process.hrtime.bigint() - start) / 1e6;
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like request(), but a non-2xx status is an error. */
  async ok(method: string, path: string, body?: unknown): Promise<Reply> {
    const r = await this.request(method, path, body);
    if (r.status < 200 || r.status > 299) throw new HttpError(method, path, r.status, r.body);
    return r;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.ok(method, path, body);
    return (r.body ? JSON.parse(r.body) : {}) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Polls GET path until it answers 2xx or the deadline passes. */
export async function waitReady(client: UnixHttp, path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await client.request('GET', path, undefined, 2000);
      if (r.status >= 200 && r.status < 300) return;
      last = `status ${r.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${client.socketPath} not ready after ${timeoutMs} ms (${last})`);
}
