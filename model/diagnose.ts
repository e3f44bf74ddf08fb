// What `cnm why`, the reachability matrix and the subnet-conflict watch return (GET /cnm/why,
// GET /cnm/why/matrix, GET /cnm/conflicts). One definition for cnmd, the CLI and the extension.

/** The one-word reason of a verdict (the matrix shows it; `ok` when nothing blocks). */
export type ReasonCode =
  | 'ok'
  | 'same-sandbox'
  | 'no-shared-network'
  | 'icc-disabled'
  | 'internal'
  | 'no-route'
  | 'no-such-address'
  | 'name-not-visible'
  | 'macvlan-host'
  | 'mtu-mismatch'
  | 'subnet-conflict'
  | 'firewall'
  | 'port-closed'
  | 'no-network'
  | 'overlay-peer-missing';

/** pass: this step lets the packet through; warn: it goes, but something is off; block: it stops here. */
export type ReasonLevel = 'pass' | 'warn' | 'block';

/** The object that decides a step (a network, sandbox, endpoint, route, interface or firewall rule). */
export interface DecidingObject {
  kind: 'network' | 'sandbox' | 'endpoint' | 'route' | 'address' | 'interface' | 'rule' | 'host';
  name: string;
  id?: string;
}

export interface WhyReason {
  code: ReasonCode;
  level: ReasonLevel;
  /** One sentence a user reads, e.g. "a is on frontend, b on backend: networks are isolated". */
  text: string;
  object: DecidingObject;
  /** What would change the verdict, e.g. "cnm network connect backend a". */
  fix?: string;
  /** The firewall rule behind this step, as nft prints it. */
  rule?: string;
}

/** The other end as the user named it, and what it resolved to. */
export interface WhyTarget {
  kind: 'sandbox' | 'ip' | 'hostname';
  text: string;
  sandbox?: string;
  /** The address the packet goes to (undefined when none could be chosen). */
  address?: string;
  /** The name a DNS lookup from A is tried with (a sandbox's name, or the hostname given). */
  name?: string;
}

export interface PortSpec {
  port: number;
  proto: 'tcp' | 'udp';
}

export type Verdict = 'reachable' | 'unreachable';

/** What one probe from inside A saw. */
export interface ProbeResult {
  kind: 'icmp' | 'tcp' | 'udp';
  target: string;
  /** The kernel delivered it (echo reply; TCP connected; UDP answered or not refused). */
  ok: boolean;
  /** e.g. "echo reply in 0.1 ms", "connection refused", "no answer within 1000 ms". */
  detail: string;
  ms: number;
}

export interface DnsProbeResult {
  name: string;
  /** Addresses 127.0.0.11 answered; empty for NXDOMAIN or no answer. */
  answers: string[];
  detail: string;
  ms: number;
}

export interface WhyReport {
  from: { sandbox: string; id: string };
  to: WhyTarget;
  port?: PortSpec;
  /** The model's verdict and its one-word reason (the first blocking step, else the first warning, else ok). */
  verdict: Verdict;
  reason: ReasonCode;
  chain: WhyReason[];
  /** Whether B's name resolves from A, by the model (undefined when there is no name to look up). */
  nameVisible?: boolean;
  /** The kernel's answer (absent with probe=false). */
  probe?: ProbeResult;
  dns?: DnsProbeResult;
  /** The probe's verdict equals the model's (and the DNS lookup equals nameVisible, when made). */
  kernelAgrees?: boolean;
  ms: { model: number; probe?: number };
}

export interface MatrixCell {
  verdict: Verdict;
  reason: ReasonCode;
  /** The ICMP probe's verdict (absent without probes). */
  probed?: Verdict;
  address?: string;
}

/** GET /cnm/why/matrix: cells[i][j] is sandboxes[i] → sandboxes[j] (the diagonal is same-sandbox). */
export interface ReachabilityMatrix {
  networks: string[];
  sandboxes: string[];
  cells: MatrixCell[][];
  /** Cells where the kernel disagreed with the model. */
  disagreements: number;
  ms: { model: number; probe?: number };
}

/** A host route or address (not cnm's own) overlapping a network's subnet (GET /cnm/conflicts). */
export interface SubnetConflict {
  network: string;
  networkId: string;
  subnet: string;
  kind: 'route' | 'address';
  /** The route's destination or the address, as the kernel shows it. */
  prefix: string;
  ifname?: string;
  /** When the watch first saw it (ISO time). */
  since: string;
}

/** One sentence naming the route and interface, for inspect's Warnings, `cnm network ls` and tooltips. */
export function conflictText(c: SubnetConflict): string {
  const what = c.kind === 'route' ? `route ${c.prefix}` : `address ${c.prefix}`;
  const dev = c.ifname ? ` on ${c.ifname}` : '';
  return `host ${what}${dev} overlaps subnet ${c.subnet} of network ${c.network}: traffic to the overlap may go the wrong way`;
}
