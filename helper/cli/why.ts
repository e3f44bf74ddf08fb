// cnm why A B [--port 80/tcp]: the verdict, the chain of reasons (each naming what decides it) and
// whether the kernel agreed. cnm why --matrix [NETWORK...]: every sandbox × every sandbox.
import type { ReachabilityMatrix, WhyReport } from '../../model/diagnose.js';
import { UsageError } from './errors.js';
import { tabwrite } from './table.js';
import type { Verb } from './verb.js';

const MARK = { pass: '✓', warn: '!', block: '✗' } as const;

export function formatWhy(r: WhyReport): string {
  const to = r.to.sandbox && r.to.sandbox !== r.to.text ? `${r.to.text} (${r.to.sandbox})` : r.to.text;
  const addr = r.to.address && r.to.address !== r.to.text ? ` at ${r.to.address}` : '';
  const port = r.port ? ` port ${r.port.port}/${r.port.proto}` : '';
  const lines = [`${r.from.sandbox} → ${to}${addr}${port}: ${r.verdict.toUpperCase()} (${r.reason})`];
  for (const step of r.chain) {
    lines.push(`  ${MARK[step.level]} ${step.text}  [${step.object.kind} ${step.object.name}]`);
    if (step.rule) lines.push(`      rule: ${step.rule}`);
    if (step.fix && step.level !== 'pass') lines.push(`      fix: ${step.fix}`);
  }
  if (r.probe) lines.push(`kernel: ${r.probe.kind} ${r.probe.target}: ${r.probe.ok ? 'delivered' : 'failed'} (${r.probe.detail})`);
  if (r.dns) lines.push(`kernel: DNS ${r.dns.name} via 127.0.0.11: ${r.dns.detail}`);
  if (r.kernelAgrees !== undefined)
    lines.push(r.kernelAgrees ? 'the kernel agrees' : 'THE KERNEL DISAGREES: the model above is missing something');
  return lines.join('\n') + '\n';
}

/** Rows: from; columns: to; cells "ok" or the one-word reason, "?" where the kernel disagreed. */
export function formatMatrix(m: ReachabilityMatrix): string {
  const cell = (c: ReachabilityMatrix['cells'][number][number], same: boolean) =>
    same ? '-' : `${c.verdict === 'reachable' ? 'ok' : c.reason}${c.probed && c.probed !== c.verdict ? ` (kernel: ${c.probed})` : ''}`;
  const rows = [
    ['FROM \\ TO', ...m.sandboxes].join('\t'),
    ...m.sandboxes.map((s, i) => [s, ...m.cells[i]!.map((c, j) => cell(c, i === j))].join('\t')),
  ];
  const probe = m.ms.probe !== undefined ? `, probes ${m.ms.probe.toFixed(0)} ms, ${m.disagreements} disagreement(s) with the kernel` : '';
  return `${tabwrite(rows)}${m.sandboxes.length} sandbox(es); model ${m.ms.model.toFixed(0)} ms${probe}\n`;
}

export const verb: Verb = {
  usage: 'A B | --matrix [NETWORK...]',
  summary: 'Explain why sandbox A can or cannot reach B (a sandbox, IP or hostname)',
  args: [0, Infinity],
  flags: [
    { name: 'port', short: 'p', type: 'string', value: 'port', help: 'Check PORT[/tcp|/udp] instead of ICMP, e.g. 80/tcp' },
    { name: 'matrix', type: 'bool', help: 'Every sandbox × every sandbox of the networks given (all when none)' },
    { name: 'no-probe', type: 'bool', help: "The model's answer only: no probe from inside A" },
    { name: 'format', type: 'string', help: "'json' prints the API's answer" },
  ],
  async run(args, { io, client }) {
    const probe = !args.bool('no-probe');
    const json = args.string('format') === 'json';
    if (args.bool('matrix')) {
      if (args.string('port')) throw new UsageError('--port cannot be used with --matrix (the matrix probes with ICMP)');
      const m = await client.matrix(args.positionals, { probe });
      io.stdout(json ? JSON.stringify(m, null, 2) + '\n' : formatMatrix(m));
      return 0;
    }
    if (args.positionals.length !== 2) throw new UsageError('"cnm why" requires exactly 2 arguments (A B), or --matrix');
    const [from, to] = args.positionals as [string, string];
    const r = await client.why(from, to, { port: args.string('port') || undefined, probe });
    io.stdout(json ? JSON.stringify(r, null, 2) + '\n' : formatWhy(r));
    return r.verdict === 'reachable' ? 0 : 1;
  },
};
