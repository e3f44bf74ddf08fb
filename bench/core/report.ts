// Turns the raw latency series of both systems into the comparison table, the targets with
// PASS/MISS, and the JSON written under bench/results/.
import fs from 'node:fs';
import path from 'node:path';
import { summarize, type Summary } from '../lib/stats.js';

export const OPS = ['network create', 'network rm', 'connect', 'disconnect', 'connect @10', 'connect @N'] as const;
export type Op = (typeof OPS)[number];

export interface SystemRun {
  system: 'cnm' | 'docker';
  version: string;
  series: Partial<Record<Op, number[]>>;
  /** Workloads actually on the network for "connect @N" (the budget may stop short of the goal). */
  scaleN: number;
  /** First failure, after which this system's remaining phases were skipped. */
  error?: string;
}

export interface Goal {
  label: string;
  value?: number;
  goal: string;
  pass?: boolean;
}

type Stats = Partial<Record<Op, Summary>>;

export interface Report {
  meta: Record<string, unknown>;
  systems: Record<string, { version: string; scaleN: number; error?: string; stats: Stats; samples: SystemRun['series'] }>;
  targets: Goal[];
}

export function buildReport(runs: readonly SystemRun[], meta: Record<string, unknown>): Report {
  const systems: Report['systems'] = {};
  for (const r of runs) {
    const stats: Stats = {};
    for (const op of OPS) if (r.series[op]?.length) stats[op] = summarize(r.series[op]!);
    systems[r.system] = { version: r.version, scaleN: r.scaleN, error: r.error, stats, samples: r.series };
  }
  const p50 = (sys: string, op: Op): number | undefined => systems[sys]?.stats[op]?.p50;
  const ratio = (a?: number, b?: number): number | undefined => (a !== undefined && b ? a / b : undefined);
  const cnmN = systems.cnm?.scaleN;
  const targets: Goal[] = [
    { label: 'connect p50, docker/cnm', value: ratio(p50('docker', 'connect'), p50('cnm', 'connect')), goal: '>= 15x' },
    {
      label: 'network create p50, docker/cnm',
      value: ratio(p50('docker', 'network create'), p50('cnm', 'network create')),
      goal: '>= 10x',
    },
    {
      label: `cnm connect p50 @${cnmN ?? 'N'} / @10`,
      value: ratio(p50('cnm', 'connect @N'), p50('cnm', 'connect @10')),
      goal: '<= 1.5x' + (cnmN !== undefined && cnmN < 500 ? ` (only ${cnmN} of 500 reached)` : ''),
    },
  ];
  targets[0].pass = targets[0].value === undefined ? undefined : targets[0].value >= 15;
  targets[1].pass = targets[1].value === undefined ? undefined : targets[1].value >= 10;
  targets[2].pass = targets[2].value === undefined ? undefined : targets[2].value <= 1.5 && (cnmN ?? 0) >= 500;
  return { meta, systems, targets };
}

const f = (v?: number, digits = 2): string => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));

export function formatReport(r: Report): string {
  const rows: string[][] = [['operation (ms)', 'cnm p50', 'cnm p99', 'docker p50', 'docker p99', 'docker/cnm p50']];
  const cnm = r.systems.cnm;
  const docker = r.systems.docker;
  for (const op of OPS) {
    const c = cnm?.stats[op];
    const d = docker?.stats[op];
    if (!c && !d) continue;
    let label: string = op;
    if (op === 'connect @N') label = `connect @N (cnm ${cnm?.scaleN ?? '-'}, docker ${docker?.scaleN ?? '-'})`;
    rows.push([label, f(c?.p50), f(c?.p99), f(d?.p50), f(d?.p99), c && d ? f(d.p50 / c.p50, 1) + 'x' : '-']);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]): string => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line), ''];
  out.push('targets (issue 2):');
  for (const t of r.targets) {
    const verdict = t.pass === undefined ? 'n/a ' : t.pass ? 'PASS' : 'MISS';
    out.push(`  ${verdict}  ${t.label}: ${t.value === undefined ? '-' : f(t.value, 2) + 'x'}  (goal ${t.goal})`);
  }
  // The ratios move with machine load (2 vCPUs shared with other work), so the table says what it was.
  const host = r.meta.host as { loadavgStart?: number[] } | undefined;
  const load = (a?: unknown): string => (Array.isArray(a) ? a.map((x: number) => x.toFixed(2)).join(' ') : '?');
  out.push(`load average: start ${load(host?.loadavgStart)}, end ${load(r.meta.loadavgEnd)}`);
  for (const [name, s] of Object.entries(r.systems)) {
    out.push(`${name}: ${s.version}; n per row: ${OPS.map((op) => s.stats[op]?.n ?? 0).join('/')}`);
    if (s.error) out.push(`${name} FAILED: ${s.error}`);
  }
  return out.join('\n');
}

export function writeReport(r: Report, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const file = path.join(dir, `core-${stamp}.json`);
  fs.writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
  return file;
}
