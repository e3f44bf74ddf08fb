// Test and bench support: throwaway network namespaces and `dig` run inside them.
// Not used by cnmd itself.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import type { EndpointRecord } from './registry.js';

const run = promisify(execFile);

/** A netns named `t-dns-<pid>-<n>` with loopback up; `remove` is idempotent. */
export class TestNetns {
  private static counter = 0;
  readonly name: string;
  readonly path: string;

  constructor(prefix = 't-dns') {
    this.name = `${prefix}-${process.pid}-${++TestNetns.counter}`;
    this.path = `/run/netns/${this.name}`;
    execFileSync('ip', ['netns', 'add', this.name]);
    execFileSync('ip', ['-n', this.name, 'link', 'set', 'lo', 'up']);
  }

  exec(cmd: string[]): string {
    return execFileSync('ip', ['netns', 'exec', this.name, ...cmd], { encoding: 'utf8' });
  }

  remove(): void {
    try {
      execFileSync('ip', ['netns', 'delete', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

/** A veth pair made directly inside two namespaces (never in the root one), addressed and up. */
export function linkNamespaces(a: TestNetns, aAddr: string, b: TestNetns, bAddr: string): void {
  const [an, bn] = [`va${process.pid % 100000}`, `vb${process.pid % 100000}`];
  execFileSync('ip', ['link', 'add', an, 'netns', a.name, 'type', 'veth', 'peer', 'name', bn, 'netns', b.name]);
  for (const [ns, dev, addr] of [
    [a, an, aAddr],
    [b, bn, bAddr],
  ] as const) {
    execFileSync('ip', ['-n', ns.name, 'addr', 'add', addr, 'dev', dev]);
    execFileSync('ip', ['-n', ns.name, 'link', 'set', dev, 'up']);
  }
}

export interface DigResult {
  status: string;
  flags: string[];
  /** rdata of each answer record, in order. */
  answers: string[];
  /** ttl of each answer record. */
  ttls: number[];
  raw: string;
}

/** `dig @127.0.0.11 <args>` inside `ns` (one try), parsed. Async so the in-process server runs. */
export async function dig(ns: TestNetns, args: string[], server = '127.0.0.11'): Promise<DigResult> {
  const { stdout } = await run('ip', ['netns', 'exec', ns.name, 'dig', '+tries=1', '+time=4', `@${server}`, ...args], { encoding: 'utf8' });
  const status = /status: (\w+)/.exec(stdout)?.[1] ?? 'NONE';
  const flags = (/;; flags: ([^;]*);/.exec(stdout)?.[1] ?? '').trim().split(/\s+/);
  const answers: string[] = [];
  const ttls: number[] = [];
  let section = '';
  for (const line of stdout.split('\n')) {
    if (line.startsWith(';; ')) section = line.includes('ANSWER SECTION') ? 'answer' : line.includes('SECTION') ? 'other' : section;
    else if (section === 'answer' && line.trim() && !line.startsWith(';')) {
      const parts = line.trim().split(/\s+/);
      ttls.push(Number(parts[1]));
      answers.push(parts.slice(4).join(' '));
    } else if (!line.trim()) section = '';
  }
  return { status, flags, answers, ttls, raw: stdout };
}

let endpoints = 0;
/** An endpoint of sandbox `sb-<sandbox>` on network `<network>` ('bridge' = the default one). */
export function endpointRecord(sandbox: string, network: string, ip: string, more: Partial<EndpointRecord> = {}): EndpointRecord {
  return {
    endpointId: `ep${++endpoints}`,
    sandboxId: `sb-${sandbox}`,
    sandboxName: sandbox,
    hostname: `${sandbox}-host`,
    networkId: `net-${network}`,
    networkName: network,
    internal: false,
    userDefined: network !== 'bridge',
    aliases: [],
    ipv4: ip,
    ...more,
  };
}
