// Turns "cannot reach the daemon" into something a user can act on: a missing socket offers to
// start cnmd; permission denied names the group that owns the socket.
import type { HostTarget } from '../../transport/hostUrl.js';

export interface ConnectionProblem {
  message: string;
  /** A shell command that would fix it, offered as "Start cnmd" in a terminal. */
  startCommand?: string;
}

export interface SocketFacts {
  /** Group name owning the socket, if it exists. */
  groupOf(path: string): string | undefined;
}

export function describeConnectionError(
  err: Error & { code?: string },
  target: HostTarget,
  facts: SocketFacts,
  startCommand: string,
): ConnectionProblem {
  const code = err.code ?? /\b(ENOENT|EACCES|ECONNREFUSED|EPERM)\b/.exec(err.message)?.[1];
  if (target.kind === 'unix' && (code === 'ENOENT' || code === 'ECONNREFUSED')) {
    return { message: `cnmd is not running: nothing answers at ${target.socketPath}.`, startCommand };
  }
  if (target.kind === 'unix' && (code === 'EACCES' || code === 'EPERM')) {
    const group = facts.groupOf(target.socketPath);
    return {
      message: group
        ? `Permission denied on ${target.socketPath}: join the "${group}" group (sudo usermod -aG ${group} $USER) and log in again.`
        : `Permission denied on ${target.socketPath}: run VS Code as a user that may open it.`,
    };
  }
  return { message: `Cannot reach ${target.url}: ${err.message}` };
}
