// Path routing: Docker's paths with or without a /v1.NN prefix, {param} segments, 404 for unknown
// paths and 405 for a known path with the wrong method. Routes compile once at start-up.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Caller } from '../../model/exec.js';
import { CnmError, invalid } from '../errors.js';
import { MethodNotAllowed } from './http.js';

export const API_VERSION = '1.41';
export const MIN_API_VERSION = '1.12';

export type Method = 'GET' | 'HEAD' | 'POST' | 'DELETE';

export interface ApiRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  raw: IncomingMessage;
  res: ServerResponse;
  /** The peer of the socket the request came on (SO_PEERCRED), for calls that log who asked. */
  caller: Caller;
  /** A request with `Connection: Upgrade`: its body, and the socket the handler may take over. */
  upgrade?: { socket: Duplex; body: Buffer };
}

export interface Route {
  method: Method;
  /** e.g. '/networks/{id}/connect' */
  path: string;
  handle(req: ApiRequest): void | Promise<void>;
}

interface Compiled {
  route: Route;
  segments: string[];
}

export type Match = { route: Route; params: Record<string, string> };

export class Router {
  private readonly compiled: Compiled[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => ({ route, segments: route.path.split('/').slice(1) }));
  }

  /** The route for method + path, or a CnmError-shaped 404/405 (and 400 for an unusable API version). */
  match(method: string, pathname: string): Match {
    const path = stripVersion(pathname);
    const parts = path.split('/').slice(1);
    let pathKnown = false;
    for (const c of this.compiled) {
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      pathKnown = true;
      if (c.route.method === method) return { route: c.route, params };
    }
    if (pathKnown) throw new MethodNotAllowed();
    throw new CnmError('not-found', 'page not found');
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith('{')) {
      if (!parts[i]) return undefined;
      params[p.slice(1, -1)] = decodeURIComponent(parts[i]!);
    } else if (p !== parts[i]) return undefined;
  }
  return params;
}

const VERSION_PREFIX = /^\/v(\d+)\.(\d+)(?=\/)/;

/** Removes /v1.NN; refuses versions outside [MIN_API_VERSION, API_VERSION] with Docker's wording. */
export function stripVersion(path: string): string {
  const m = VERSION_PREFIX.exec(path);
  if (!m) return path;
  const asked = `${m[1]}.${m[2]}`;
  if (compareVersions(asked, API_VERSION) > 0) {
    throw invalid(`client version ${asked} is too new. Maximum supported API version is ${API_VERSION}`);
  }
  if (compareVersions(asked, MIN_API_VERSION) < 0) {
    throw invalid(
      `client version ${asked} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  }
  return path.slice(m[0].length);
}

function compareVersions(a: string, b: string): number {
  const [a1, a2] = a.split('.').map(Number) as [number, number];
  const [b1, b2] = b.split('.').map(Number) as [number, number];
  return a1 - b1 || a2 - b2;
}
