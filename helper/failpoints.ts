// Named fail points: a debug switch that makes cnmd die by SIGKILL at one step of a mutating
// operation, so tests can prove that a crash at any step leaves nothing broken after a restart.
// CNM_FAILPOINTS=name[,name…] arms them (name@N: die on the Nth time that step is reached).
// Unarmed, a fail point is one Map lookup. FAILPOINTS lists every name, so a test can enumerate
// all of them (and a unit test checks each one is placed in the code exactly once).
import { log } from './log.js';

export const FAILPOINTS = {
  'network-create:pools': 'pools allocated in memory, nothing made',
  'network-create:kernel': 'bridge (or parent) made, firewall not yet',
  'network-create:firewall': 'firewall applied, record not committed',
  'network-create:committed': 'record committed, memory and event not updated',
  'network-rm:kernel': 'bridge deleted, firewall still has the network',
  'network-rm:firewall': 'firewall without the network, record still there',
  'network-rm:committed': 'record deleted, memory not updated',
  'connect:allocated': 'address allocated in memory, no kernel work, no commit',
  'connect:veth': 'veth pair made (host end on the bridge), peer down without addresses',
  'connect:spare': 'spare veth half reconfigured (host end aliased and enslaved)',
  'connect:plumbed': 'interface up with addresses and routes',
  'connect:committed': 'endpoint record committed (the kernel part may still be running)',
  'connect:files': 'sandbox hosts/resolv.conf written',
  'disconnect:kernel': 'endpoint torn down or parked, record still there',
  'disconnect:committed': 'record deleted and address released, files not rewritten',
  'spare:made': 'a new spare veth exists, still up on no bridge',
  'sandbox-create:netns': 'namespace made, nothing else',
  'sandbox-create:dns': 'sandbox files written and DNS listener up',
  'sandbox-create:endpoint': 'first endpoint plumbed, nothing committed',
  'sandbox-create:committed': 'sandbox and endpoint committed, memory not updated',
  'sandbox-rm:endpoints': 'endpoints torn down and forgotten, namespace still there',
  'sandbox-rm:netns': 'namespace deleted, sandbox record still there',
  'sandbox-rm:committed': 'sandbox record deleted, memory not updated',
} as const;

export type FailpointName = keyof typeof FAILPOINTS;

export const FAILPOINT_ENV = 'CNM_FAILPOINTS';

/** name → how many more hits before dying (1: the next one). */
function parse(spec: string | undefined): Map<string, number> {
  const armed = new Map<string, number>();
  for (const item of (spec ?? '').split(',')) {
    const [name, nth] = item.trim().split('@');
    if (!name) continue;
    if (!(name in FAILPOINTS)) {
      log('warn', 'unknown fail point ignored', { failpoint: name });
      continue;
    }
    armed.set(name, Math.max(1, Number(nth) || 1));
  }
  return armed;
}

const armed = parse(process.env[FAILPOINT_ENV]);

/** Dies here (SIGKILL, no clean-up of any kind) when this fail point is armed and due. */
export function failpoint(name: FailpointName): void {
  if (armed.size === 0) return;
  const left = armed.get(name);
  if (left === undefined) return;
  if (left > 1) return void armed.set(name, left - 1);
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'fail point hit', failpoint: name })}\n`);
  process.kill(process.pid, 'SIGKILL');
}
