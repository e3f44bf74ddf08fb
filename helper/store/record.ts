// The journal's record format: [u32 LE payload length][u32 LE crc32 of payload][payload], the
// payload being the commit's ops as JSON. A record that is cut short or fails its checksum marks
// the end of the valid journal: everything from there on is a torn write from a crash.
import { crc32 } from 'node:zlib';
import type { StoreOp } from './store.js';

const HEADER = 8;
/** Larger than any commit cnmd makes; a bigger length can only come from a corrupt header. */
const MAX_PAYLOAD = 64 * 1024 * 1024;

export function encodeRecord(ops: StoreOp[]): Buffer {
  const payload = Buffer.from(JSON.stringify(ops), 'utf8');
  const rec = Buffer.allocUnsafe(HEADER + payload.length);
  rec.writeUInt32LE(payload.length, 0);
  rec.writeUInt32LE(crc32(payload), 4);
  payload.copy(rec, HEADER);
  return rec;
}

export interface DecodedJournal {
  records: StoreOp[][];
  /** Byte offset just past the last valid record; the file should be truncated here. */
  validEnd: number;
}

export function decodeRecords(buf: Buffer): DecodedJournal {
  const records: StoreOp[][] = [];
  let off = 0;
  while (off + HEADER <= buf.length) {
    const len = buf.readUInt32LE(off);
    const sum = buf.readUInt32LE(off + 4);
    if (len > MAX_PAYLOAD || off + HEADER + len > buf.length) break;
    const payload = buf.subarray(off + HEADER, off + HEADER + len);
    if (crc32(payload) !== sum) break;
    const ops = parseOps(payload);
    if (!ops) break;
    records.push(ops);
    off += HEADER + len;
  }
  return { records, validEnd: off };
}

function parseOps(payload: Buffer): StoreOp[] | undefined {
  try {
    const ops: unknown = JSON.parse(payload.toString('utf8'));
    return Array.isArray(ops) && ops.every(isOp) ? ops : undefined;
  } catch {
    return undefined;
  }
}

function isOp(op: unknown): op is StoreOp {
  if (typeof op !== 'object' || op === null) return false;
  const o = op as Record<string, unknown>;
  if (typeof o.key !== 'string') return false;
  return o.type === 'delete' || (o.type === 'put' && typeof o.value === 'string');
}
