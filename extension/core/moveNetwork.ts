// "Move Network to a Free Subnet…": ask cnmd for the plan (a dry run: the free subnet it would
// take, each endpoint's new address, what cannot be kept), let the user take it or type another
// subnet, show the preview, then move with progress. cnmd makes the move atomic: a failure leaves
// the network on its old subnet with every sandbox reconnected, and the error says so.
import { movePlanLines, type NetworkMovePlan } from '../../model/move.js';
import { networkMoveSchema } from '../../model/requests.js';
import { SchemaError, validate } from '../../model/schema.js';
import type { DaemonState } from './state.js';
import { networkContext, type TreeNode } from './tree.js';
import type { Ui } from './ui.js';

export interface MoveEnv {
  state: DaemonState;
  ui: Ui;
}

const OTHER = Symbol('other');

/** Why `s` cannot be the new subnet (the API's own rule), or undefined. */
function subnetProblem(s: string): string | undefined {
  try {
    validate(networkMoveSchema, { Subnet: s.trim() });
    return undefined;
  } catch (err) {
    if (err instanceof SchemaError) return err.message.replace(/^invalid Subnet: /, '');
    throw err;
  }
}

export async function moveNetwork(env: MoveEnv, node?: TreeNode): Promise<NetworkMovePlan | undefined> {
  const { ui, state } = env;
  const { client } = state;
  const name =
    node?.ref?.kind === 'network'
      ? node.ref.name
      : await ui.pick({
          title: 'Move Network to a Free Subnet',
          placeholder: 'The network to move (conflicted ones first)',
          items: [...state.current.networks]
            .filter((n) => networkContext(n).includes('movable'))
            .sort((a, b) => Number(!!b.Warnings?.length) - Number(!!a.Warnings?.length))
            .map((n) => ({
              label: n.Name,
              description: (n.Warnings?.length ? '⚠ ' : '') + (n.IPAM.Config ?? []).map((c) => c.Subnet).join(', '),
              value: n.Name,
            })),
        });
  if (!name) return undefined;
  const title = `Move network ${name}`;
  try {
    const free = await client.moveNetwork(name, { DryRun: true });
    if (!free) {
      void ui.error('This daemon cannot move networks (no /cnm/networks/{id}/move): connect to cnmd.');
      return undefined;
    }
    const choice = await ui.pick<string | typeof OTHER>({
      title,
      placeholder: `Now on ${free.from.subnet}: the new subnet`,
      items: [
        { label: free.to.subnet, description: 'free: no network or host route uses it (suggested)', value: free.to.subnet },
        { label: 'Another subnet…', value: OTHER },
      ],
    });
    if (choice === undefined) return undefined;
    const typed =
      choice === OTHER
        ? await ui.input({ title, prompt: 'New IPv4 subnet, e.g. 10.20.0.0/24', placeholder: free.to.subnet, validate: subnetProblem })
        : undefined;
    if (choice === OTHER && !typed) return undefined;
    const plan = typed ? await client.moveNetwork(name, { Subnet: typed.trim(), DryRun: true }) : free;
    if (!plan) return undefined;
    const lossy = plan.losses.length + plan.overlaps.length > 0;
    const ok = await ui.confirm(
      `Move network ${name} from ${plan.from.subnet} to ${plan.to.subnet}?`,
      movePlanLines(plan).slice(1).join('\n') || 'No sandbox is connected.',
      lossy ? 'Move Anyway' : 'Move',
    );
    if (!ok) return undefined;
    const req = { Subnet: plan.to.subnet, Force: lossy };
    const done = await ui.progress(`Moving ${name} to ${plan.to.subnet}…`, () => client.moveNetwork(name, req));
    if (!done) return undefined;
    ui.info(`Moved ${name} to ${done.to.subnet} in ${done.ms} ms: ${done.endpoints.length} sandbox(es) reconnected.`);
    return done;
  } catch (err) {
    void ui.error(`Move ${name}: ${(err as Error).message}`);
    return undefined;
  }
}
