// Runs a plan's steps against cnmd, one at a time, reporting each before it starts. Stops at the
// first failure and says which step failed; what was done before stays (the diff shows the rest).
import type { SandboxCreateRequest } from '../../model/cnm.js';
import type { DockerInfo, NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest } from '../../model/docker.js';
import { requestScope } from '../../model/overlay.js';
import { invalid, withContext } from '../errors.js';
import { describeStep } from './format.js';
import type { DesiredAttachment, DesiredNetwork, DesiredSandbox, Plan, Step } from './types.js';

/** The part of cnmd's API apply needs; helper/api/client's ApiClient provides it. */
export interface TopologyApi {
  createNetwork(req: NetworkCreateRequest): Promise<unknown>;
  removeNetwork(idOrName: string): Promise<void>;
  connect(network: string, req: NetworkConnectRequest): Promise<void>;
  disconnect(network: string, req: NetworkDisconnectRequest): Promise<void>;
  createSandbox(req: SandboxCreateRequest): Promise<unknown>;
  removeSandbox(idOrName: string, force: boolean): Promise<void>;
  /** Read only for an overlay: a cnmd without a cluster store is asked for a stand-alone one. */
  info(): Promise<DockerInfo>;
}

export function createNetworkRequest(n: DesiredNetwork): NetworkCreateRequest {
  return {
    Name: n.name,
    CheckDuplicate: true,
    Driver: n.driver,
    Internal: n.internal,
    Attachable: n.attachable,
    EnableIPv6: n.enableIPv6,
    IPAM: { Driver: n.ipam.driver, Options: n.ipam.options, Config: n.ipam.config },
    Options: n.options,
    Labels: n.labels,
  };
}

export function createSandboxRequest(s: DesiredSandbox): SandboxCreateRequest {
  // The first network comes with the sandbox; without any the sandbox gets loopback only.
  const first = s.attachments[0];
  return {
    Name: s.name,
    Network: first?.network ?? 'none',
    IPv4Address: first?.ipv4,
    IPv6Address: first?.ipv6,
    Hostname: s.hostname,
    Labels: s.labels,
    Aliases: first?.aliases,
    Dns: s.dns,
  };
}

function connectRequest(sandbox: string, a: DesiredAttachment): NetworkConnectRequest {
  const ipam = a.ipv4 || a.ipv6 ? { IPv4Address: a.ipv4, IPv6Address: a.ipv6 } : null;
  return { Container: sandbox, EndpointConfig: { IPAMConfig: ipam, Aliases: a.aliases } };
}

/** As `cnm network create`: an overlay on a cnmd without a cluster store asks for Scope local. */
async function createNetwork(n: DesiredNetwork, api: TopologyApi): Promise<void> {
  const scope = await requestScope(n.driver, '', () => api.info().catch(() => undefined));
  await api.createNetwork({ ...createNetworkRequest(n), ...(scope ? { Scope: scope } : {}) });
}

async function run(step: Step, api: TopologyApi): Promise<void> {
  switch (step.kind) {
    case 'create-network':
      await createNetwork(step.network, api);
      return;
    case 'recreate-network':
      await api.removeNetwork(step.id);
      await createNetwork(step.network, api);
      return;
    case 'remove-network':
      await api.removeNetwork(step.id);
      return;
    case 'create-sandbox':
      await createSandbox(step.sandbox, api);
      return;
    case 'recreate-sandbox':
      await api.removeSandbox(step.id, true);
      await createSandbox(step.sandbox, api);
      return;
    case 'remove-sandbox':
      await api.removeSandbox(step.id, true);
      return;
    case 'connect':
      await api.connect(step.attachment.network, connectRequest(step.sandbox, step.attachment));
      return;
    case 'reconnect':
      await api.disconnect(step.attachment.network, { Container: step.sandbox, Force: true });
      await api.connect(step.attachment.network, connectRequest(step.sandbox, step.attachment));
      return;
    case 'disconnect':
      await api.disconnect(step.network, { Container: step.sandbox, Force: true });
      return;
  }
}

async function createSandbox(s: DesiredSandbox, api: TopologyApi): Promise<void> {
  await api.createSandbox(createSandboxRequest(s));
  for (const a of s.attachments.slice(1)) await api.connect(a.network, connectRequest(s.name, a));
}

export interface Progress {
  (done: number, total: number, step: Step): void;
}

export async function execute(p: Plan, api: TopologyApi, progress?: Progress): Promise<void> {
  if (p.blockers.length > 0) throw invalid(`cannot apply: ${p.blockers.join('; ')}`, { call: 'apply' });
  for (const [i, step] of p.steps.entries()) {
    progress?.(i, p.steps.length, step);
    try {
      await run(step, api);
    } catch (err) {
      throw withContext(
        err,
        { step: describeStep(step) },
        `apply failed at step ${i + 1}/${p.steps.length} (${describeStep(step)}): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
}
