// Structured logs, one JSON object per line on stderr. Quiet by default: only warnings and errors
// unless CNM_LOG=info|debug (or cnmd --log-level) asks for more.

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

let threshold: Level = (process.env.CNM_LOG as Level) in ORDER ? (process.env.CNM_LOG as Level) : 'warn';

export function setLogLevel(level: Level): void {
  threshold = level;
}

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  if (ORDER[level] < ORDER[threshold]) return;
  const line = { time: new Date().toISOString(), level, msg, ...fields };
  process.stderr.write(JSON.stringify(line, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
}
