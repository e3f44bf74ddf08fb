// What to tell the user when the daemon cannot be reached, with the facts read from this machine.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import type { SocketFacts } from '../core/connectionErrors.js';
import type { ExecSpec } from '../core/exec.js';

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

export function runToCompletion(spec: ExecSpec): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(spec.file, spec.args, { env: { ...process.env, ...spec.env }, timeout: 20000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}${err && !stdout && !stderr ? err.message : ''}` });
    });
  });
}
