// Reading requests and writing Docker-shaped responses: JSON bodies with a size limit, Docker's error
// body {"message": ...} with the status a CnmError's kind maps to.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cnmWording, type CnmErrorBody } from '../../model/errors.js';
import { LIMITS } from '../../model/requests.js';
import { SchemaError, validate, type Schema } from '../../model/schema.js';
import { CnmError, invalid } from '../errors.js';
import { goJson } from './json.js';

export const BODY_LIMIT = LIMITS.body;

/**
 * The request body checked against its path's schema (model/requests.ts): a typed copy holding
 * only known fields, or a 400 before anything is allocated. Empty is {}. Stops buffering at
 * BODY_LIMIT: 413.
 */
export function readJsonBody<T extends object>(req: IncomingMessage, schema: Schema<T>): Promise<T> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > BODY_LIMIT) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) {
        chunks.push(chunk);
        return;
      }
      // Keep draining (so the client can read our answer) but stop holding on to the bytes.
      req.off('data', onData);
      req.resume();
      chunks.length = 0;
      reject(tooLarge());
    };
    req.on('data', onData);
    req.on('error', reject);
    req.on('end', () => {
      if (size > BODY_LIMIT) return;
      try {
        resolve(parseJsonBody(Buffer.concat(chunks).toString('utf8'), schema));
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** A body's text checked against its schema ({} when empty); 400 for anything else. */
export function parseJsonBody<T>(body: string, schema: Schema<T>): T {
  const text = body.trim();
  let parsed: unknown = {};
  try {
    if (text) parsed = JSON.parse(text);
  } catch (err) {
    throw invalid(`malformed JSON body: ${(err as Error).message}`);
  }
  return checked(schema, parsed);
}

/** `value` as `schema` accepts it, or a 400 naming the field (`name` for a value outside a body). */
export function checked<T>(schema: Schema<T>, value: unknown, name = ''): T {
  try {
    return name ? schema(value, { path: name, struct: '' }) : validate(schema, value);
  } catch (err) {
    throw err instanceof SchemaError ? invalid(err.message, { field: err.path }) : err;
  }
}

const tooLarge = () => new CnmError('too-large', `request body larger than ${BODY_LIMIT} bytes`);

/** Go's json.Encoder output: the value plus a newline. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = goJson(value) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, status === 204 ? {} : { 'Content-Length': 0 });
  res.end();
}

export function sendText(res: ServerResponse, status: number, text: string, head = false): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}

/** A known path asked with a method it does not serve. */
export class MethodNotAllowed extends Error {
  constructor() {
    super('method not allowed');
  }
}

/** A CnmError answers with its status; anything else is a 500 with its message. */
export function statusOf(err: unknown): number {
  if (err instanceof CnmError) return err.status;
  return err instanceof MethodNotAllowed ? 405 : 500;
}

/**
 * The error body. An error with cnm's detail carries it as `cnm`; its `message` is Docker's text on
 * Docker's paths and cnm's wording on cnm's own (`cnmPath`).
 */
export function errorBody(err: unknown, cnmPath: boolean): CnmErrorBody {
  const message = err instanceof Error ? err.message : String(err);
  const detail = err instanceof CnmError ? err.cnmDetail : undefined;
  if (!detail) return { message };
  return { message: cnmPath ? cnmWording(detail) : message, cnm: detail };
}

export function sendError(res: ServerResponse, err: unknown, cnmPath = false): void {
  const status = statusOf(err);
  if (res.headersSent) {
    res.destroy(); // mid-stream failure: nothing sensible left to send
    return;
  }
  if (status === 413) res.setHeader('Connection', 'close');
  sendJson(res, status, errorBody(err, cnmPath));
}
