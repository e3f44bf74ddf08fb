// What to tell the user when the daemon cannot be reached, with the facts read from this machine.
import * as fs from 'node:fs';
import type { SocketFacts } from '../core/connectionErrors.js';

export const socketFacts: SocketFacts = {
  groupOf(p: string): string | undefined {
    try {
      const gid = fs.statSync(p).gid;
      const line = fs
        .readFileSync('/etc/group', 'utf8')
        .split('\n')
        .find((l) => l.split(':')[2] === String(gid));
      return line?.split(':')[0];
    } catch {
      return undefined;
    }
  },
};

/** The command that starts the bundled cnmd on the given socket (with sudo unless already root). */
export function startCommand(node: string, cnmdJs: string, socketPath: string): string {
  const cmd = `${node} ${cnmdJs} --socket ${socketPath}`;
  return process.getuid?.() === 0 ? cmd : `sudo ${cmd}`;
}
