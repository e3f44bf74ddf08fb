// Command logic, editor-free: each method is one palette/menu command. Nodes come from tree.ts;
// when a command runs from the palette without a node it asks for one.
import type { HostInfo } from '../../model/cnm.js';
import type { NetworkResource } from '../../model/docker.js';
import { driverInfo } from '../../model/drivers.js';
import { requestScope } from '../../model/overlay.js';
import { ApiError } from './client.js';
import {
  buildCreateRequest,
  creatableDrivers,
  parseDriverOptions,
  validateGateway,
  validateIpRange,
  validateName,
  validateSubnet,
} from './createNetwork.js';
import { summarizePing, type LocalCli } from './exec.js';
import type { HostTarget } from '../../transport/hostUrl.js';
import { cannotInstall, installCommandLine, type InstallHost } from './install.js';
import type { DaemonState } from './state.js';
import { allEndpoints, bareAddress, isBuiltin, type TreeNode } from './tree.js';
import { execToCompletion, SandboxTerminal } from './terminal.js';
import type { Ui } from './ui.js';
import { browserUrl, httpMappings, mappingText } from './ports.js';

type Ref = NonNullable<TreeNode['ref']>;
type EndpointRef = Extract<Ref, { kind: 'endpoint' }>;

export interface CommandEnv {
  state: DaemonState;
  ui: Ui;
  target: HostTarget;
  cli: LocalCli;
  /** Opens (or reveals) the inspect panel of a network. */
  showInspect(networkId: string): void;
  /** Opens (or reveals) the published-ports table. */
  showPorts(): void;
  /** Opens a URL of the daemon's host in the browser (the adapter goes through asExternalUri: port forwarding on a remote). */
  openExternal(url: string): Promise<void>;
  install: InstallHost;
  /** How long Install Helper waits for the socket to answer, and how often it asks. */
  installWait?: { timeoutMs: number; everyMs: number };
}

const TITLE = 'Create Network';

/** Docker's messages carry 64-hex ids, which cut a toast off: show 12, as `docker` does. */
function errorText(err: unknown): string {
  const text = err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err);
  return text.replace(/\b([0-9a-f]{12})[0-9a-f]{52}\b/g, '$1');
}

const endpointCount = (n: NetworkResource | undefined) => Object.keys(n?.Containers ?? {}).length;

export class Commands {
  constructor(private readonly env: CommandEnv) {}

  private get snapshot() {
    return this.env.state.current;
  }

  /** Runs an API write, reports a failure, and re-reads the state after success. */
  private async write<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      const r = await fn();
      await this.env.state.refresh();
      return r;
    } catch (err) {
      void this.env.ui.error(`${what}: ${errorText(err)}`);
      return undefined;
    }
  }

  private async pickNetwork(
    placeholder: string,
    filter: (n: NetworkResource) => boolean,
  ): Promise<{ id: string; name: string } | undefined> {
    const items = this.snapshot.networks
      .filter(filter)
      .map((n) => ({ label: n.Name, description: n.Driver, detail: n.Id.slice(0, 12), value: { id: n.Id, name: n.Name } }));
    return this.env.ui.pick({ title: placeholder, placeholder, items });
  }

  private async networkOf(node: TreeNode | undefined, placeholder: string, filter: (n: NetworkResource) => boolean = () => true) {
    return node?.ref?.kind === 'network' ? node.ref : this.pickNetwork(placeholder, filter);
  }

  private async pickEndpoint(title: string, exclude?: EndpointRef, networkId?: string): Promise<EndpointRef | undefined> {
    const items = allEndpoints(this.snapshot, networkId)
      .filter((e) => !exclude || e.endpointId !== exclude.endpointId)
      .map((e) => ({ label: e.name, description: `${e.networkName}  ${e.ipv4 ?? e.ipv6 ?? ''}`, value: e }));
    return this.env.ui.pick({ title, placeholder: title, items });
  }

  async createNetwork(): Promise<string | undefined> {
    const { ui } = this.env;
    const host = await this.env.state.client.hostInfo().catch(() => undefined);
    const info = await this.env.state.client.info().catch(() => undefined);
    const nets = this.snapshot.networks;
    let total = 8;
    const name = await ui.input({
      title: TITLE,
      prompt: 'Network name',
      step: 1,
      totalSteps: total,
      validate: (v) => validateName(v.trim(), nets),
    });
    if (name === undefined) return undefined;
    const { drivers, fromDaemon } = creatableDrivers(info);
    const driver = await ui.pick({
      title: TITLE,
      placeholder: fromDaemon
        ? 'Driver (as the daemon reports them)'
        : "Driver: the daemon did not report its drivers, so all of cnm's are listed; it may lack some",
      step: 2,
      totalSteps: total,
      items: drivers.map((d) => ({
        label: d.name,
        description: d.description,
        detail: fromDaemon ? undefined : 'not confirmed by the daemon',
        value: d.name,
      })),
    });
    if (!driver) return undefined;
    let step = 3;
    let parent: string | undefined;
    if (driverInfo(driver)?.required.includes('parent')) {
      total = 9;
      parent = await this.pickParent(host, step++, total);
      if (!parent) return undefined;
    }
    const subnet = await ui.input({
      title: TITLE,
      prompt: 'Subnet (CIDR; empty = pick a free one)',
      placeholder: '172.30.0.0/24',
      step: step++,
      totalSteps: total,
      validate: (v) => validateSubnet(v.trim(), nets, host),
    });
    if (subnet === undefined) return undefined;
    let gateway = '';
    let ipRange = '';
    if (subnet.trim()) {
      const g = await ui.input({
        title: TITLE,
        prompt: 'Gateway (empty = first address)',
        step: step++,
        totalSteps: total,
        validate: (v) => validateGateway(v.trim(), subnet.trim()),
      });
      if (g === undefined) return undefined;
      const r = await ui.input({
        title: TITLE,
        prompt: 'IP range for endpoints (CIDR inside the subnet; empty = all of it)',
        step: step++,
        totalSteps: total,
        validate: (v) => validateIpRange(v.trim(), subnet.trim()),
      });
      if (r === undefined) return undefined;
      [gateway, ipRange] = [g.trim(), r.trim()];
    } else step += 2;
    const internal = await ui.pick({
      title: TITLE,
      placeholder: 'Internal (no outside access)?',
      step: step++,
      totalSteps: total,
      items: [
        { label: 'No', value: false },
        { label: 'Yes, internal', value: true },
      ],
    });
    if (internal === undefined) return undefined;
    const ipv6Step = step++;
    const ipv6 = await ui.pick({
      title: TITLE,
      placeholder: 'IPv6?',
      step: ipv6Step,
      totalSteps: total,
      items: [
        { label: 'IPv4 only', value: false },
        { label: 'Enable IPv6', value: true },
      ],
    });
    if (ipv6 === undefined) return undefined;
    let ipv6Subnet = '';
    if (ipv6) {
      const s6 = await ui.input({
        title: TITLE,
        prompt: 'IPv6 subnet (CIDR; empty = none)',
        placeholder: 'fd00:30::/64',
        step: ipv6Step,
        totalSteps: total,
        validate: (v) => validateSubnet(v.trim(), nets, host),
      });
      if (s6 === undefined) return undefined;
      ipv6Subnet = s6.trim();
    }
    const opts = await ui.input({
      title: TITLE,
      prompt: 'Driver options (key=value, comma-separated; empty = none)',
      placeholder: 'com.docker.network.driver.mtu=1400',
      step: step++,
      totalSteps: total,
      validate: (v) => {
        const r = parseDriverOptions(v);
        return typeof r === 'string' ? r : undefined;
      },
    });
    if (opts === undefined) return undefined;
    const req = buildCreateRequest({
      name: name.trim(),
      driver,
      scope: await requestScope(driver, '', async () => info),
      subnet: subnet.trim(),
      gateway,
      ipRange,
      internal,
      ipv6,
      ipv6Subnet,
      options: { ...(parent ? { parent } : {}), ...(parseDriverOptions(opts) as Record<string, string>) },
    });
    const res = await this.write(`Create network ${req.Name}`, () => this.env.state.client.createNetwork(req));
    if (res?.Warning) ui.info(res.Warning);
    return res?.Id;
  }

  /** A macvlan network's parent: one of the host's interfaces (from /cnm/host), or typed in. */
  private async pickParent(host: HostInfo | undefined, step: number, totalSteps: number): Promise<string | undefined> {
    const prompt = { title: TITLE, step, totalSteps };
    const links = (host?.interfaces ?? []).filter((i) => i.name !== 'lo');
    const TYPE = '\0type';
    const picked = links.length
      ? await this.env.ui.pick({
          ...prompt,
          placeholder: 'Parent interface (the host link the macvlan endpoints hang off)',
          items: [
            ...links.map((i) => ({
              label: i.name,
              description: [i.kind, ...i.addresses, i.up ? '' : 'down'].filter(Boolean).join('  '),
              value: i.name,
            })),
            { label: 'Another name (e.g. a VLAN sub-interface eth0.10)…', value: TYPE },
          ],
        })
      : TYPE;
    if (picked !== TYPE) return picked;
    const typed = await this.env.ui.input({
      ...prompt,
      prompt: 'Parent interface (host link name)',
      validate: (v) => (/^[\w.@-]{1,15}$/.test(v.trim()) ? undefined : 'An interface name: up to 15 letters, digits, . _ - @'),
    });
    return typed?.trim() || undefined;
  }

  async removeNetwork(node?: TreeNode): Promise<boolean> {
    const net = await this.networkOf(node, 'Network to remove', (n) => !isBuiltin(n));
    if (!net) return false;
    const n = this.snapshot.networks.find((x) => x.Id === net.id);
    if (n && isBuiltin(n)) {
      void this.env.ui.error(`${n.Name} is a built-in network and cannot be removed`);
      return false;
    }
    if (endpointCount(n)) {
      // explain before trying: Docker refuses a network with endpoints
      const names = Object.values(n!.Containers).map((c) => c.Name);
      const action = await this.env.ui.error(
        `${net.name} still has ${names.length} endpoint(s) (${names.join(', ')}): disconnect them first.`,
        'Disconnect All and Remove…',
      );
      return action ? this.emptyAndRemove(n!) : false;
    }
    return (await this.write(`Remove network ${net.name}`, () => this.env.state.client.removeNetwork(net.id).then(() => true))) ?? false;
  }

  /** Disconnects every endpoint of a network (after a confirmation naming them), then removes it. */
  async disconnectAllAndRemove(node?: TreeNode): Promise<boolean> {
    const net = await this.networkOf(node, 'Network to disconnect and remove', (n) => !isBuiltin(n));
    const n = net && this.snapshot.networks.find((x) => x.Id === net.id);
    return n ? this.emptyAndRemove(n) : false;
  }

  private async emptyAndRemove(n: NetworkResource): Promise<boolean> {
    if (isBuiltin(n)) {
      void this.env.ui.error(`${n.Name} is a built-in network and cannot be removed`);
      return false;
    }
    const members = Object.entries(n.Containers ?? {});
    const ok = await this.env.ui.confirm(
      `Disconnect ${members.length} endpoint(s) from ${n.Name} and remove it?`,
      members
        .map(([, c]) => `• ${c.Name}${c.IPv4Address || c.IPv6Address ? ` (${bareAddress(c.IPv4Address || c.IPv6Address)})` : ''}`)
        .join('\n') || 'It has no endpoints.',
      'Disconnect All and Remove',
    );
    if (!ok) return false;
    const { client } = this.env.state;
    return (
      (await this.write(`Disconnect all and remove ${n.Name}`, async () => {
        for (const [id, c] of members) {
          await client.disconnect(n.Id, { Container: id }).catch((err) => {
            throw new Error(`disconnecting ${c.Name}: ${errorText(err)}`);
          });
        }
        await client.removeNetwork(n.Id);
        return true;
      })) ?? false
    );
  }

  /** Prune removes user networks without endpoints: list them first and ask. */
  async prune(): Promise<string[]> {
    const unused = this.snapshot.networks.filter((n) => !isBuiltin(n) && Object.keys(n.Containers ?? {}).length === 0);
    if (!unused.length) {
      this.env.ui.info('No unused networks to prune');
      return [];
    }
    const ok = await this.env.ui.confirm(
      `Remove ${unused.length} unused network(s)?`,
      unused.map((n) => `• ${n.Name}`).join('\n'),
      'Prune',
    );
    if (!ok) return [];
    const res = await this.write('Prune networks', () => this.env.state.client.pruneNetworks());
    return res?.NetworksDeleted ?? [];
  }

  async inspect(node?: TreeNode): Promise<void> {
    const net = node?.ref?.kind === 'endpoint' ? { id: node.ref.networkId } : await this.networkOf(node, 'Network to inspect');
    if (net) this.env.showInspect(net.id);
  }

  async connectSandbox(node?: TreeNode): Promise<boolean> {
    const { ui, state } = this.env;
    const net = await this.networkOf(node, 'Network to connect to', (n) => n.Driver !== 'host' && n.Driver !== 'null');
    if (!net) return false;
    const inspected = this.snapshot.networks.find((n) => n.Id === net.id);
    const attached = new Set(Object.keys(inspected?.Containers ?? {}));
    const candidates = (this.snapshot.sandboxes ?? []).filter((s) => !attached.has(s.id));
    const sandbox = candidates.length
      ? await ui.pick({
          title: `Connect to ${net.name}`,
          placeholder: 'Sandbox',
          items: candidates.map((s) => ({ label: s.name, description: s.endpoints.map((e) => e.networkName).join(', '), value: s.name })),
        })
      : await ui.input({ title: `Connect to ${net.name}`, prompt: 'Sandbox or container name' });
    if (!sandbox) return false;
    const ip = await ui.input({
      title: `Connect ${sandbox} to ${net.name}`,
      prompt: 'IPv4 address (empty = next free)',
      validate: (v) => (v.trim() && !/^\d+\.\d+\.\d+\.\d+$/.test(v.trim()) ? 'Not an IPv4 address' : undefined),
    });
    if (ip === undefined) return false;
    const req = { Container: sandbox, EndpointConfig: ip.trim() ? { IPAMConfig: { IPv4Address: ip.trim() } } : undefined };
    return (await this.write(`Connect ${sandbox} to ${net.name}`, () => state.client.connect(net.id, req).then(() => true))) ?? false;
  }

  async disconnect(node?: TreeNode): Promise<boolean> {
    const ref = node?.ref;
    const ep =
      ref?.kind === 'endpoint'
        ? ref
        : await this.pickEndpoint('Endpoint to disconnect', undefined, ref?.kind === 'network' ? ref.id : undefined);
    if (!ep) return false;
    return (
      (await this.write(`Disconnect ${ep.name} from ${ep.networkName}`, () =>
        this.env.state.client.disconnect(ep.networkId, { Container: ep.container }).then(() => true),
      )) ?? false
    );
  }

  async copyIp(node?: TreeNode): Promise<string | undefined> {
    const ref = node?.ref;
    let ip: string | undefined;
    if (ref?.kind === 'endpoint') ip = ref.ipv4 ?? ref.ipv6;
    else if (ref?.kind === 'sandbox')
      ip = this.snapshot.sandboxes
        ?.find((s) => s.id === ref.id)
        ?.endpoints.map((e) => bareAddress(e.ipv4) ?? bareAddress(e.ipv6))
        .find(Boolean);
    else if (ref?.kind === 'network') ip = this.snapshot.networks.find((n) => n.Id === ref.id)?.IPAM.Config[0]?.Subnet;
    if (!ip) return undefined;
    await this.env.ui.copy(ip);
    return ip;
  }

  async copyId(node?: TreeNode): Promise<string | undefined> {
    const ref = node?.ref;
    const id = ref?.kind === 'endpoint' ? ref.endpointId : ref?.id;
    if (id) await this.env.ui.copy(id);
    return id;
  }

  async createSandbox(): Promise<string | undefined> {
    const { ui } = this.env;
    const name = await ui.input({
      title: 'Create Sandbox',
      prompt: 'Sandbox name',
      validate: (v) => (/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(v.trim()) ? undefined : 'Use letters, digits, and . _ -'),
    });
    if (!name) return undefined;
    const items = [
      { label: '(no network)', value: '' },
      ...this.snapshot.networks.filter((n) => n.Driver !== 'null').map((n) => ({ label: n.Name, description: n.Driver, value: n.Name })),
    ];
    const network = await ui.pick({ title: 'Create Sandbox', placeholder: 'First network', items });
    if (network === undefined) return undefined;
    const res = await this.write(`Create sandbox ${name}`, () =>
      this.env.state.client.createSandbox({ Name: name.trim(), ...(network ? { Network: network } : {}) }),
    );
    return res?.id;
  }

  /** Adopts a running Docker/Podman container's namespace as a sandbox (cnmd asks the engine). */
  async attachContainer(): Promise<string | undefined> {
    const { ui, state } = this.env;
    const containers = await state.client.listContainers().catch((err: unknown) => {
      void ui.error(`Attach Container: ${errorText(err)}`);
      return null;
    });
    if (containers === null) return undefined;
    if (!containers?.length) {
      ui.info('No running Docker or Podman container on this host.');
      return undefined;
    }
    const taken = new Set((this.snapshot.sandboxes ?? []).map((s) => s.adopted?.container).filter(Boolean));
    const items = containers
      .filter((c) => !taken.has(c.name))
      .map((c) => ({ label: c.name, description: `${c.engine} · ${c.image}`, detail: c.id.slice(0, 12), value: c }));
    const c = await ui.pick({ title: 'Attach Container', placeholder: 'Running container', items, step: 1, totalSteps: 2 });
    if (!c) return undefined;
    const nets = this.snapshot.networks.filter((n) => !['host', 'null'].includes(n.Driver));
    const network = await ui.pick({
      title: 'Attach Container',
      placeholder: 'Network to connect it to',
      items: nets.map((n) => ({ label: n.Name, description: n.Driver, value: n.Name })),
      step: 2,
      totalSteps: 2,
    });
    if (!network) return undefined;
    const res = await this.write(`Attach ${c.name}`, () =>
      state.client.createSandbox({ Name: c.name, Container: c.name, Network: network }),
    );
    return res?.id;
  }

  async removeSandbox(node?: TreeNode): Promise<boolean> {
    const sb = node?.ref?.kind === 'sandbox' ? node.ref : await this.pickSandbox('Sandbox to remove');
    if (!sb) return false;
    return (
      (await this.write(`Remove sandbox ${sb.name}`, () => this.env.state.client.removeSandbox(sb.id, true).then(() => true))) ?? false
    );
  }

  /** "Open in Browser": a sandbox's HTTP port (one asked for when it publishes several). */
  async openInBrowser(node?: TreeNode): Promise<string | undefined> {
    const withHttp = (this.snapshot.sandboxes ?? []).filter((s) => httpMappings(s).length);
    const ref = node?.ref?.kind === 'sandbox' ? node.ref : await this.pickSandbox('Open in Browser', withHttp);
    const sb = ref && this.snapshot.sandboxes?.find((s) => s.id === ref.id);
    const ports = sb ? httpMappings(sb) : [];
    if (!sb || !ports.length) {
      if (ref) this.env.ui.info(`${ref.name} publishes no HTTP port.`);
      return undefined;
    }
    const m =
      ports.length === 1
        ? ports[0]
        : await this.env.ui.pick({
            title: 'Open in Browser',
            placeholder: `Port of ${sb.name}`,
            items: ports.map((p) => ({ label: mappingText(p), detail: browserUrl(p), value: p })),
          });
    if (!m) return undefined;
    const url = browserUrl(m);
    await this.env.openExternal(url);
    return url;
  }

  showPorts(): void {
    this.env.showPorts();
  }

  private pickSandbox(title: string, among = this.snapshot.sandboxes ?? []) {
    const items = among.map((s) => ({
      label: s.name,
      description: s.id.slice(0, 12),
      value: { id: s.id, name: s.name },
    }));
    return this.env.ui.pick({ title, placeholder: title, items });
  }

  async openTerminal(node?: TreeNode): Promise<void> {
    const ref = node?.ref;
    const name = ref?.kind === 'sandbox' || ref?.kind === 'endpoint' ? ref.name : (await this.pickSandbox('Sandbox'))?.name;
    if (!name) return;
    this.env.ui.pseudoTerminal(`cnm: ${name}`, (out) => new SandboxTerminal(this.env.state.client, name, out));
  }

  /** Ping from one endpoint's sandbox to another endpoint's address; the summary is the result. */
  async ping(node?: TreeNode): Promise<string | undefined> {
    const from = node?.ref?.kind === 'endpoint' ? node.ref : await this.pickEndpoint('Ping from');
    if (!from) return undefined;
    const to = await this.pickEndpoint(`Ping from ${from.name} to`, from);
    const addr = to?.ipv4 ?? to?.ipv6;
    if (!to || !addr) return undefined;
    const { code, output } = await execToCompletion(this.env.state.client, from.name, ['ping', '-c', '3', '-W', '1', addr]);
    const summary = `ping ${from.name} → ${to.name} (${addr}): ${summarizePing(output) ?? `failed (exit ${code})`}`;
    if (code === 0) this.env.ui.info(summary);
    else void this.env.ui.error(summary);
    this.env.ui.showOutput(summary, output);
    return summary;
  }

  /**
   * Installs (or upgrades) the helper bundled in the extension on this host, in a terminal so sudo
   * can ask; then polls the socket until cnmd answers (for an upgrade: with a new version) and reconnects.
   */
  async installHelper(): Promise<boolean> {
    const { ui, target, cli, install, state } = this.env;
    const why = cannotInstall(install, target.kind);
    if (why) {
      void ui.error(why);
      return false;
    }
    const r = state.current.reachability;
    const before = r.state === 'connected' ? r.version : undefined;
    const line = installCommandLine(cli.node, cli.cli, install, target.socketPath);
    ui.terminal({
      name: 'cnm: install helper',
      shellPath: '/bin/sh',
      shellArgs: ['-c', `${line}; echo; echo "[cnm install exited $?; press Enter to close]"; read _`],
    });
    const { timeoutMs, everyMs } = this.env.installWait ?? { timeoutMs: 180000, everyMs: 500 };
    const end = Date.now() + timeoutMs;
    let seen: string | undefined;
    while (Date.now() < end) {
      seen = await state.client.version().then(
        (v) => v.Version,
        () => undefined,
      );
      if (seen !== undefined && (before === undefined || seen !== before || seen === install.extensionVersion)) {
        state.retryNow();
        if (state.current.reachability.state === 'connected') await state.refresh().catch(() => undefined);
        ui.info(`cnm helper ${seen} is running at ${target.socketPath}`);
        return true;
      }
      await new Promise((res) => setTimeout(res, everyMs));
    }
    void ui.error(
      seen
        ? `The helper at ${target.socketPath} still answers as ${seen} after ${timeoutMs / 1000} s: see the install terminal`
        : `Nothing answered at ${target.socketPath} within ${timeoutMs / 1000} s: see the install terminal`,
    );
    return false;
  }
}
