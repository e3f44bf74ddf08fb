// Exec helpers of the commands: where the bundled CLI is (for Install Helper), and Ping…'s summary.
// Commands in sandboxes run through cnmd's exec API (terminal.ts), not a local `cnm exec`.

export interface LocalCli {
  /** The Node binary that runs the bundled CLI (the extension host's own). */
  node: string;
  /** dist/cnm.js inside the extension. */
  cli: string;
}

/** "3 packets transmitted, 3 received, 0% packet loss … rtt min/avg/max/mdev = 0.04/0.05/…" → one line. */
export function summarizePing(output: string): string | undefined {
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(output);
  if (!counts) return undefined;
  const rtt = /= [\d.]+\/([\d.]+)\//.exec(output);
  return `${counts[2]}/${counts[1]} replies${rtt ? `, avg ${rtt[1]} ms` : ''}`;
}
