// "Why Can't … Reach …?" and "Reachability Matrix": pick the two ends (or the network), ask cnmd
// (GET /cnm/why, /cnm/why/matrix) and hand the answer to a panel. Editor-free, unit-tested.
import type { ReachabilityMatrix, WhyReport } from '../../model/diagnose.js';
import type { DaemonState } from './state.js';
import type { TreeNode } from './tree.js';
import type { Ui } from './ui.js';

export interface DiagnoseEnv {
  state: DaemonState;
  ui: Ui;
  showWhy(report: WhyReport, rerun: () => Promise<WhyReport | undefined>): void;
  showMatrix(matrix: ReachabilityMatrix, scope: string, rerun: () => Promise<ReachabilityMatrix | undefined>): void;
}

const NO_PATH = 'This daemon cannot explain paths (no /cnm/why): connect to cnmd.';
const OTHER = Symbol('other');
const PORT_RE = /^\d{1,5}(\/(tcp|udp))?$/i;

export class DiagnoseCommands {
  constructor(private readonly env: DiagnoseEnv) {}

  /** From a sandbox or endpoint row (or a pick), to another sandbox or a typed address; ICMP or a port. */
  async why(node?: TreeNode): Promise<WhyReport | undefined> {
    const { ui, state } = this.env;
    const sandboxes = state.current.sandboxes ?? [];
    const ref = node?.ref;
    const from =
      ref?.kind === 'sandbox' || ref?.kind === 'endpoint'
        ? ref.name
        : await ui.pick({
            title: "Why can't … reach …? From",
            placeholder: 'The sandbox the packet starts in',
            items: sandboxes.map((s) => ({ label: s.name, value: s.name })),
          });
    if (!from) return undefined;
    const picked = await ui.pick<string | typeof OTHER>({
      title: `Why can't ${from} reach …?`,
      placeholder: 'The other end',
      items: [
        ...sandboxes
          .filter((s) => s.name !== from)
          .map((s) => ({
            label: s.name,
            description: s.endpoints.map((e) => e.networkName).join(', '),
            value: s.name as string | typeof OTHER,
          })),
        { label: 'An IP address or hostname…', value: OTHER },
      ],
    });
    const to =
      picked === OTHER
        ? await ui.input({
            title: `Why can't ${from} reach …?`,
            prompt: 'IP address or hostname',
            validate: (v) => (v.trim() ? undefined : 'Type an address or a name'),
          })
        : picked;
    if (!to) return undefined;
    const how = await ui.pick({
      title: `${from} → ${to}`,
      placeholder: 'What to check',
      items: [
        { label: 'Ping (ICMP)', value: 'icmp' },
        { label: 'A TCP or UDP port…', value: 'port' },
      ],
    });
    if (!how) return undefined;
    const port =
      how === 'port'
        ? await ui.input({
            title: `${from} → ${to}`,
            prompt: 'Port, e.g. 80/tcp or 53/udp',
            validate: (v) => (PORT_RE.test(v.trim()) ? undefined : 'PORT, PORT/tcp or PORT/udp'),
          })
        : undefined;
    if (how === 'port' && !port) return undefined;
    const ask = () => state.client.why(from, to.trim(), port?.trim());
    return this.run(ask, (r) => this.env.showWhy(r, ask));
  }

  /** For a network row: its sandboxes; from the title bar or the palette: the whole host. */
  async matrix(node?: TreeNode): Promise<ReachabilityMatrix | undefined> {
    const networks = node?.ref?.kind === 'network' ? [node.ref.name] : [];
    const scope = networks.length ? `network ${networks[0]}` : 'the whole host';
    const ask = () => this.env.state.client.matrix(networks);
    return this.run(ask, (m) => this.env.showMatrix(m, scope, ask));
  }

  private async run<T>(ask: () => Promise<T | undefined>, show: (t: T) => void): Promise<T | undefined> {
    try {
      const r = await ask();
      if (r === undefined) {
        void this.env.ui.error(NO_PATH);
        return undefined;
      }
      show(r);
      return r;
    } catch (err) {
      void this.env.ui.error(`cnm why: ${(err as Error).message}`);
      return undefined;
    }
  }
}
