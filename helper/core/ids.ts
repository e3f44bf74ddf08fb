import { randomBytes } from 'node:crypto';

/** A Docker-style object id: 64 lower-case hex digits. */
export function newId(): string {
  return randomBytes(32).toString('hex');
}

/** Docker prints Created as RFC 3339 with nanoseconds; JS clocks give microseconds at best. */
export function nowRfc3339Nano(): string {
  const ns = process.hrtime.bigint() % 1_000_000n;
  const iso = new Date().toISOString(); // 2026-11-22T10:19:34.826Z
  return `${iso.slice(0, 23)}${ns.toString().padStart(6, '0')}Z`;
}
