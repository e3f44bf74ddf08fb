// Adopted namespaces end without telling cnm: a container stops, `ip netns del` runs. Every few
// seconds the sandboxes cnm adopted are checked and those whose namespace has ended are removed
// (their endpoints detached, cnm's bind mount dropped), as Docker forgets a stopped container's.
import fs from 'node:fs';
import type { SandboxView } from '../../model/cnm.js';
import type { Controller } from '../core/controller.js';
import { log } from '../log.js';
import { pidsInNetns } from '../sandbox/pids.js';

/** `processes`: no process is left in it; `file`: its source no longer names that namespace. */
export function adoptedEnded(sb: SandboxView): boolean {
  const a = sb.adopted;
  if (!a) return false;
  if (a.liveness === 'processes') return pidsInNetns(sb.netnsPath).length === 0;
  try {
    return fs.statSync(a.source).ino !== a.ino;
  } catch {
    return true;
  }
}

export function watchAdopted(controller: Controller, everyMs = 2000): { stop(): void } {
  let busy = false;
  const sweep = async () => {
    if (busy) return;
    busy = true;
    try {
      for (const sb of controller.listSandboxes().filter(adoptedEnded)) {
        log('info', 'adopted namespace ended: removing its sandbox', { sandbox: sb.name, source: sb.adopted!.source });
        await controller
          .removeSandbox(sb.id, true)
          .catch((err) => log('warn', 'cannot remove ended sandbox', { sandbox: sb.name, error: String(err) }));
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void sweep(), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
