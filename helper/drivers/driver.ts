// One interface per concern, netavark-style: a network driver validates a request, sets up the
// kernel objects, and tears them down again. The core calls these in order and rolls back with
// teardown when a later step fails; teardown keeps going past failures and reports all of them.
import type { Endpoint, Network, Sandbox } from '../../model/cnm.js';
import type { Netlink } from '../kernel/netlink/netlink.js';
import type { NetworkRules } from '../kernel/nftables/ruleset.js';

/** A sandbox as a driver sees it: its record plus a netlink socket opened inside its netns. */
export interface SandboxHandle {
  sandbox: Sandbox;
  /** null for sandboxes sharing the host's netns (driver host). */
  nl: Netlink | null;
}

export interface DriverContext {
  /** Netlink socket in cnmd's own ("host") namespace. */
  host: Netlink;
}

export interface NetworkDriver {
  readonly name: Network['driver'];
  /** Reject bad options before anything is made (CnmError 'invalid', Docker's wording). */
  validate(net: Network): void;
  /** Make the network's kernel objects (bridge + gateway address, vxlan, …). Idempotent. */
  setupNetwork(net: Network, ctx: DriverContext): Promise<void>;
  teardownNetwork(net: Network, ctx: DriverContext): Promise<void>;
  /**
   * Names the endpoint's host-side link (sets ep.hostIfname) before any kernel work, synchronously,
   * so the endpoint's record can be committed while setupEndpoint runs. Drivers without a host
   * link leave it out.
   */
  nameHostLink?(ep: Endpoint, sb: SandboxHandle): void;
  /**
   * Plumb one endpoint into a sandbox: link inside the netns named ep.ifname with ep.mac, its
   * addresses, up; the default route when `defaultRoute` is true. Sets ep.hostIfname if it made one.
   */
  setupEndpoint(net: Network, ep: Endpoint, sb: SandboxHandle, ctx: DriverContext, defaultRoute: boolean): Promise<void>;
  teardownEndpoint(net: Network, ep: Endpoint, sb: SandboxHandle, ctx: DriverContext): Promise<void>;
  /** The sandbox and its namespace are gone: forget anything kept for it (e.g. spare links). */
  sandboxGone?(sandboxId: string): void;
  /** This network's part of cnm's nftables table (isolation, ICC, masquerade); null for none. */
  rules(net: Network): NetworkRules | null;
}
