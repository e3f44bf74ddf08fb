// Desired state (what a topology or compose file asks for), the actual state it is compared with,
// and the steps that take one to the other. Shared by `cnm apply`/`cnm diff` and the language server.
import type { SandboxView } from '../../model/cnm.js';
import type { IPAMPoolConfig, NetworkResource } from '../../model/docker.js';

/** Label that marks what a file created, so apply removes only its own objects. */
export const PROJECT_LABEL = 'cnm.topology.project';

export interface DesiredNetwork {
  /** The key under `networks:` in the file. */
  key: string;
  /** The name on the host (compose prefixes the project name). */
  name: string;
  /** Must already exist; never created or removed. */
  external: boolean;
  driver: string;
  options: Record<string, string>;
  internal: boolean;
  attachable: boolean;
  enableIPv6: boolean;
  labels: Record<string, string>;
  ipam: { driver: string; options: Record<string, string>; config: IPAMPoolConfig[] };
}

export interface DesiredAttachment {
  /** Host name of the network. */
  network: string;
  ipv4?: string;
  ipv6?: string;
  aliases: string[];
}

export interface DesiredSandbox {
  /** The key under `sandboxes:` / `services:`. */
  key: string;
  name: string;
  hostname?: string;
  dns: string[];
  labels: Record<string, string>;
  /** network_mode host/none put the sandbox on the predefined network of that name. */
  attachments: DesiredAttachment[];
}

export interface DesiredState {
  project: string;
  networks: DesiredNetwork[];
  sandboxes: DesiredSandbox[];
}

export interface ActualState {
  networks: NetworkResource[];
  sandboxes: SandboxView[];
}

export type Step =
  | { kind: 'create-network'; network: DesiredNetwork }
  | { kind: 'recreate-network'; network: DesiredNetwork; id: string; changes: string[] }
  | { kind: 'remove-network'; name: string; id: string }
  | { kind: 'create-sandbox'; sandbox: DesiredSandbox }
  | { kind: 'recreate-sandbox'; sandbox: DesiredSandbox; id: string; changes: string[] }
  | { kind: 'remove-sandbox'; name: string; id: string }
  | { kind: 'connect'; sandbox: string; attachment: DesiredAttachment }
  | { kind: 'reconnect'; sandbox: string; attachment: DesiredAttachment; changes: string[] }
  | { kind: 'disconnect'; sandbox: string; network: string };

export interface Plan {
  steps: Step[];
  /** Things apply cannot fix (an external network missing); apply refuses while there are any. */
  blockers: string[];
}
