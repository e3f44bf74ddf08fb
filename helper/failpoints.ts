// Named fail points: a debug switch that makes cnmd die by SIGKILL at one step of a mutating
// operation, so tests can prove that a crash at any step leaves nothing broken after a restart.
// CNM_FAILPOINTS=name[,name…] arms them (name@N: die on the Nth time that step is reached;
// name=throw or name@N=throw: fail the operation there with an error instead, to prove its rollback).
// Unarmed, a fail point is one Map lookup. FAILPOINTS lists every name, so a test can enumerate
// all of them (and a unit test checks each one is placed in the code exactly once).
import { CnmError } from './errors.js';
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
  'network-move:disconnected': 'every endpoint of the moving network torn down, network still on its old subnet',
  'network-move:readdressed': 'network re-made on its new subnet, endpoints not yet reconnected',
  'network-move:reconnected': 'endpoints reconnected on the new subnet, firewall not yet',
  'network-move:firewall': 'firewall for the new subnet applied, records not committed',
  'network-move:committed': 'network and endpoints committed on the new subnet, memory not updated',
} as const;

export type FailpointName = keyof typeof FAILPOINTS;

export const FAILPOINT_ENV = 'CNM_FAILPOINTS';

/** name → how many more hits before dying (1: the next one), and whether it throws instead. */
function parse(spec: string | undefined): Map<string, { left: number; throws: boolean }> {
  const armed = new Map<string, { left: number; throws: boolean }>();
  for (const item of (spec ?? '').split(',')) {
    const [point, mode] = item.trim().split('=');
    const [name, nth] = (point ?? '').split('@');
    if (!name) continue;
    if (!(name in FAILPOINTS)) {
      log('warn', 'unknown fail point ignored', { failpoint: name });
      continue;
    }
    armed.set(name, { left: Math.max(1, Number(nth) || 1), throws: mode === 'throw' });
  }
  return armed;
}

const armed = parse(process.env[FAILPOINT_ENV]);

/** Dies here (SIGKILL, no clean-up of any kind), or throws when armed so, when this fail point is armed and due. */
export function failpoint(name: FailpointName): void {
  if (armed.size === 0) return;
  const point = armed.get(name);
  if (point === undefined) return;
  if (point.left > 1) return void point.left--;
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'fail point hit', failpoint: name })}\n`);
  if (point.throws) {
    armed.delete(name);
    throw new CnmError('internal', `fail point ${name} (${FAILPOINTS[name]})`);
  }
  process.kill(process.pid, 'SIGKILL');
}
