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
      params[p.slice(1, -1)] = decodeSegment(parts[i]!);
    } else if (p !== parts[i]) return undefined;
  }
  return params;
}

/**
 * A path segment's percent-escapes decoded as Go's url.PathUnescape does: a malformed escape
 * (`%`, `%zz`) is a 400; escaped bytes that are not UTF-8 (`%ff`) decode anyway (to U+FFFD), so
 * the lookup answers 404 as Docker's does, never a URIError.
 */
export function decodeSegment(segment: string): string {
  const bad = /%(?![0-9a-fA-F]{2})/.exec(segment);
  if (bad) throw invalid(`invalid URL escape "${segment.slice(bad.index, bad.index + 3)}"`);
  if (!segment.includes('%')) return segment;
  const bytes: number[] = [];
  for (let i = 0; i < segment.length;) {
    if (segment[i] === '%') {
      bytes.push(parseInt(segment.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      const ch = String.fromCodePoint(segment.codePointAt(i)!);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A request target split into path and query, without the WHATWG URL parser (it throws on `http://[`). */
export interface Target {
  pathname: string;
  query: URLSearchParams;
}

// absolute-form (`http://host:port/path`) and a network-path (`//host/path`), as Go's
// url.ParseRequestURI reads them: the authority is skipped, an IPv6 literal must be closed.
const ABSOLUTE = /^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?\/\/([^/?#]*)(.*)$/s;
const AUTHORITY = /^(?:[^@[\]]*@)?(?:[^:[\]]*|\[[0-9a-fA-F:.]+\])(?::\d*)?$/;

/** The path and query of a request target; a malformed one is a 400 (Go's "malformed request"). */
export function parseTarget(raw: string): Target {
  let rest = raw;
  if (!raw.startsWith('/') || raw.startsWith('//')) {
    const m = ABSOLUTE.exec(raw);
    if (!m || !AUTHORITY.test(m[1]!)) throw invalid(`malformed request target ${JSON.stringify(raw.slice(0, 100))}`);
    rest = m[2]!.startsWith('/') ? m[2]! : `/${m[2]!}`;
  }
  const cut = rest.search(/[?#]/);
  const pathname = cut < 0 ? rest : rest.slice(0, cut);
  const query = cut < 0 || rest[cut] === '#' ? '' : rest.slice(cut + 1).replace(/#.*$/s, '');
  return { pathname, query: new URLSearchParams(query) };
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
