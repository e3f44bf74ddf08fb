// `cnm why` and the reachability matrix: gathers the facts (model + kernel), asks explain.ts for
// the model's verdict, then checks it on the kernel with real probes from inside A.
import dnsPacket from 'dns-packet';
import type { SandboxView } from '../../model/cnm.js';
import type {
  DnsProbeResult,
  MatrixCell,
  PortSpec,
  ProbeResult,
  ReachabilityMatrix,
  SubnetConflict,
  WhyReport,
} from '../../model/diagnose.js';
import type { Controller } from '../core/controller.js';
import { invalid, notFound } from '../errors.js';
import type { Netlink } from '../kernel/netlink/netlink.js';
import type { Firewall } from '../kernel/nftables/nft.js';
import { listeningPorts } from '../kernel/probe/listening.js';
import { pingSweep, tcpConnect, udpExchange } from '../kernel/probe/probe.js';
import { readSysctl } from '../kernel/sysctl.js';
import type { Diagnostics, MatrixQuery, WhyQuery } from './diagnostics.js';
import { explain, findSandbox } from './explain.js';
import { netFacts, sandboxFacts, type Facts, type NetFacts, type SandboxFacts } from './facts.js';
import { parseTable } from './nft-rules.js';

/** How long one `why` probe waits for an answer. */
export const WHY_PROBE_MS = 1000;
/** How long the matrix's sweep waits: every probe runs at once, so this bounds the whole sweep. */
export const MATRIX_PROBE_MS = 700;
const DNS_SERVER = '127.0.0.11';

export interface DiagnoserDeps {
  controller: Controller;
  /** cnmd's own namespace. */
  host: Netlink;
  firewall: Firewall;
  /** A netlink socket inside a sandbox's netns (closed after use). */
  openNetns: (nsPath: string) => Netlink;
  /** The live list of subnet conflicts (conflicts.ts). */
  conflicts: () => SubnetConflict[];
}

const since = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** `80/tcp`, `53/udp` or `80` (tcp). */
export function parsePort(text: string): PortSpec {
  const m = /^(\d{1,5})(?:\/(tcp|udp))?$/i.exec(text.trim());
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) throw invalid(`invalid port ${JSON.stringify(text)}: want PORT[/tcp|/udp], e.g. 80/tcp`);
  return { port, proto: (m[2]?.toLowerCase() ?? 'tcp') as 'tcp' | 'udp' };
}

export class Diagnoser implements Diagnostics {
  constructor(private readonly deps: DiagnoserDeps) {}

  conflicts(): SubnetConflict[] {
    return this.deps.conflicts();
  }

  async why(q: WhyQuery): Promise<WhyReport> {
    const t0 = process.hrtime.bigint();
    const port = q.port ? parsePort(q.port) : undefined;
    const base = await this.baseFacts();
    const views = this.deps.controller.listSandboxes();
    const aView = this.sandboxView(views, base, q.from);
    const bView = views.find((v) => v.id === findSandbox(this.shallow(base, views), q.to)?.id);
    const mtus = await Promise.all([aView, bView].map((v) => (v ? this.mtus(v) : undefined)));
    const facts: Facts = {
      ...base,
      sandboxes: views.map((v) =>
        sandboxFacts(v, this.netIndex(base), v.id === aView.id ? mtus[0] : v.id === bView?.id ? mtus[1] : undefined),
      ),
    };
    const a = facts.sandboxes.find((s) => s.id === aView.id)!;
    // The target sandbox is known only after resolving names/IPs; its ports are read for --port.
    const first = explain(facts, a, q.to, port);
    const target = first.to.sandbox ? facts.sandboxes.find((s) => s.name === first.to.sandbox) : undefined;
    if (port && target) facts.listening = listeningPorts(target.netnsFile, port.proto);
    const ex = port && target ? explain(facts, a, q.to, port) : first;
    const report: WhyReport = {
      from: { sandbox: a.name, id: a.id },
      to: ex.to,
      port,
      verdict: ex.verdict,
      reason: ex.reason,
      chain: ex.chain,
      nameVisible: ex.nameVisible,
      ms: { model: since(t0) },
    };
    if (q.probe === false) return report;
    const t1 = process.hrtime.bigint();
    const [probe, dns] = await Promise.all([
      ex.to.address ? this.probe(a, ex.to.address, port) : undefined,
      ex.to.name && !a.hostNetns ? dnsLookup(a.netnsFile, ex.to.name) : undefined,
    ]);
    report.probe = probe;
    report.dns = dns;
    report.ms.probe = since(t1);
    const reachAgrees = probe ? probe.ok === (ex.verdict === 'reachable') : ex.verdict === 'unreachable';
    const dnsAgrees = !dns || ex.nameVisible === undefined || dns.answers.length > 0 === ex.nameVisible;
    report.kernelAgrees = reachAgrees && dnsAgrees;
    return report;
  }

  async matrix(q: MatrixQuery): Promise<ReachabilityMatrix> {
    const t0 = process.hrtime.bigint();
    const base = await this.baseFacts();
    const nets = this.netIndex(base);
    const wanted = (q.networks ?? []).map((ref) => {
      const n = base.networks.find((x) => x.id === ref || x.name === ref) ?? only(base.networks.filter((x) => x.id.startsWith(ref)));
      if (!n) throw notFound(`network ${ref} not found`);
      return n;
    });
    const views = this.deps.controller
      .listSandboxes()
      .filter((v) => !wanted.length || v.endpoints.some((e) => wanted.some((n) => n.id === e.networkId)))
      .sort((x, y) => x.name.localeCompare(y.name));
    const mtus = await Promise.all(views.map((v) => this.mtus(v)));
    const all = this.deps.controller.listSandboxes();
    const facts: Facts = {
      ...base,
      sandboxes: all.map((v) => sandboxFacts(v, nets, mtus[views.findIndex((w) => w.id === v.id)])),
    };
    const rows = views.map((v) => facts.sandboxes.find((s) => s.id === v.id)!);
    const cells: MatrixCell[][] = rows.map((a) =>
      rows.map((b) => {
        const ex = explain(facts, a, b.id);
        return { verdict: ex.verdict, reason: ex.reason, address: a.id === b.id ? undefined : ex.to.address };
      }),
    );
    const result: ReachabilityMatrix = {
      networks: wanted.map((n) => n.name),
      sandboxes: rows.map((s) => s.name),
      cells,
      disagreements: 0,
      ms: { model: since(t0) },
    };
    if (q.probe === false) return result;
    const t1 = process.hrtime.bigint();
    const swept = await pingSweep(
      rows.map((a, i) => ({ nsPath: a.netnsFile, targets: cells[i]!.flatMap((c) => (c.address ? [c.address] : [])) })),
      MATRIX_PROBE_MS,
    );
    rows.forEach((_, i) =>
      cells[i]!.forEach((c) => {
        if (!c.address) return;
        c.probed = swept[i]!.get(c.address)?.ok ? 'reachable' : 'unreachable';
        if (c.probed !== c.verdict) result.disagreements++;
      }),
    );
    result.ms.probe = since(t1);
    return result;
  }

  /** Networks, DNS names, host routes/addresses, conflicts and cnm's firewall table. */
  private async baseFacts(): Promise<Omit<Facts, 'sandboxes'>> {
    const { controller, host, firewall } = this.deps;
    const [links, addresses, routes] = await Promise.all([host.listLinks(), host.listAddresses(), host.listRoutes()]);
    const linkMtus = new Map(links.map((l) => [l.name, l.mtu]));
    let table: Facts['firewall'];
    let firewallError: string | undefined;
    try {
      const text = firewall.listTable();
      table = text ? parseTable(text) : undefined;
      if (!text) firewallError = "cnm's table inet cnm does not exist";
    } catch (err) {
      firewallError = (err as Error).message;
    }
    return {
      networks: controller.listNetworks().map((n) => netFacts(n, linkMtus)),
      dns: controller.dnsRecords(),
      host: { routes, addresses },
      conflicts: this.deps.conflicts(),
      firewall: table,
      firewallError,
      bridgeNetfilter: bridgeNetfilterOn(),
    };
  }

  private netIndex(base: Omit<Facts, 'sandboxes'>): Map<string, NetFacts> {
    return new Map(base.networks.map((n) => [n.id, n]));
  }

  /** Facts without MTUs: enough to resolve a sandbox reference. */
  private shallow(base: Omit<Facts, 'sandboxes'>, views: SandboxView[]): Facts {
    const nets = this.netIndex(base);
    return { ...base, sandboxes: views.map((v) => sandboxFacts(v, nets)) };
  }

  private sandboxView(views: SandboxView[], base: Omit<Facts, 'sandboxes'>, ref: string): SandboxView {
    if (!ref) throw invalid('from is required: the sandbox the packet starts in');
    const found = findSandbox(this.shallow(base, views), ref);
    if (!found) throw notFound(`sandbox ${ref} not found`);
    return views.find((v) => v.id === found.id)!;
  }

  /** MTUs of the sandbox's interfaces, as its kernel has them. */
  private async mtus(v: SandboxView): Promise<Map<string, number>> {
    const nl = v.netnsPath === 'host' ? this.deps.host : this.deps.openNetns(v.netnsFile ?? v.netnsPath);
    try {
      return new Map((await nl.listLinks()).map((l) => [l.name, l.mtu]));
    } finally {
      if (nl !== this.deps.host) nl.close();
    }
  }

  private async probe(a: SandboxFacts, address: string, port?: PortSpec): Promise<ProbeResult> {
    if (port?.proto === 'tcp')
      return { kind: 'tcp', target: `${address}:${port.port}`, ...(await tcpConnect(a.netnsFile, address, port.port, WHY_PROBE_MS)) };
    if (port?.proto === 'udp') {
      const { ok, detail, ms } = await udpExchange(a.netnsFile, address, port.port, Buffer.from('cnm why\n'), WHY_PROBE_MS);
      return { kind: 'udp', target: `${address}:${port.port}`, ok, detail, ms };
    }
    const [out] = await pingSweep([{ nsPath: a.netnsFile, targets: [address] }], WHY_PROBE_MS);
    return { kind: 'icmp', target: address, ...out!.get(address)! };
  }
}

const only = <T>(xs: T[]) => (xs.length === 1 ? xs[0] : undefined);

function bridgeNetfilterOn(): boolean {
  try {
    return readSysctl('net.bridge.bridge-nf-call-iptables') === '1';
  } catch {
    return false; // br_netfilter not loaded: bridged frames never meet the inet hooks
  }
}

/** An A query for `name` to 127.0.0.11 from inside the netns, as a resolver in the sandbox would send it. */
export async function dnsLookup(nsPath: string, name: string): Promise<DnsProbeResult> {
  const id = Math.floor(Math.random() * 0xffff);
  const query = dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
  const out = await udpExchange(nsPath, DNS_SERVER, 53, query, WHY_PROBE_MS);
  if (!out.reply)
    return { name, answers: [], detail: `${DNS_SERVER}: ${out.refused ? 'nothing listens (connection refused)' : out.detail}`, ms: out.ms };
  const msg = dnsPacket.decode(out.reply);
  const answers = (msg.answers ?? []).flatMap((r) => (r.type === 'A' ? [r.data] : []));
  const rcode = (msg as { rcode?: string }).rcode ?? 'NOERROR';
  return { name, answers, detail: `${DNS_SERVER} answered ${rcode}${answers.length ? `: ${answers.join(', ')}` : ''}`, ms: out.ms };
}
