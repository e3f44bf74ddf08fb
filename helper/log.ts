// Structured logs, one JSON object per line on stderr. Quiet by default: only warnings, audit lines
// (each change made through the API, with its caller) and errors unless CNM_LOG=info|debug (or cnmd
// --log-level) asks for more; --log-level error silences the audit lines too.

export type Level = 'debug' | 'info' | 'warn' | 'audit' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, audit: 35, error: 40 };

let threshold: Level = (process.env.CNM_LOG as Level) in ORDER ? (process.env.CNM_LOG as Level) : 'warn';

export function setLogLevel(level: Level): void {
  threshold = level;
}

/** Whether a line at `level` would be written (to skip building its fields on hot paths). */
export function logs(level: Level): boolean {
  return ORDER[level] >= ORDER[threshold];
}

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  if (!logs(level)) return;
  const line = { time: new Date().toISOString(), level, msg, ...fields };
  process.stderr.write(JSON.stringify(line, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
}
