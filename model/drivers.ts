// Driver vocabulary: which network drivers exist, what each is for, and which `driver_opts` /
// `--opt` keys each accepts. Pure data with tiny lookups: the language server uses it for
// completion, hover and diagnostics, the helper for validating create requests.
import { DRIVERS, type DriverName } from './cnm.js';

export interface DriverOption {
  key: string;
  description: string;
  /** Value shape, for hover and validation: a boolean string, a number, an address, free text. */
  value: 'bool' | 'number' | 'ipv4' | 'string' | 'list';
  /** Values the option accepts, when it is an enumeration. */
  values?: readonly string[];
}

export interface DriverInfo {
  name: DriverName;
  description: string;
  options: readonly DriverOption[];
  /**
   * Options a network is of little use without, worth a warning (a macvlan network without parent
   * is accepted, as in Docker, but its sandboxes reach only each other).
   */
  required: readonly string[];
  /** Whether networks of this driver take IPAM pools (subnets, gateways, static addresses). */
  ipam: boolean;
  /** Spans hosts: needs a cluster store (Docker: a swarm or a kv store) to exist at all. */
  multiHost?: true;
}

const MTU: DriverOption = {
  key: 'com.docker.network.driver.mtu',
  description: 'MTU of the interfaces the driver creates (default: 1500).',
  value: 'number',
};

const BRIDGE: DriverInfo = {
  name: 'bridge',
  description: 'A Linux bridge on the host; each sandbox gets a veth pair into it. Single-host.',
  ipam: true,
  required: [],
  options: [
    {
      key: 'com.docker.network.bridge.name',
      description: 'Name of the Linux bridge interface (default: br-<network id 12>).',
      value: 'string',
    },
    {
      key: 'com.docker.network.bridge.enable_icc',
      description: 'Allow traffic between sandboxes on this network (default: true).',
      value: 'bool',
    },
    {
      key: 'com.docker.network.bridge.enable_ip_masquerade',
      description: 'Masquerade traffic leaving the network through the host (default: true).',
      value: 'bool',
    },
    {
      key: 'com.docker.network.bridge.host_binding_ipv4',
      description: 'Default host address for published ports (default: 0.0.0.0).',
      value: 'ipv4',
    },
    {
      key: 'com.docker.network.bridge.default_bridge',
      description: 'Marks the default bridge network (docker0); set by the daemon, not by users.',
      value: 'bool',
    },
    MTU,
  ],
};

const MACVLAN: DriverInfo = {
  name: 'macvlan',
  description:
    'Sandboxes get their own MAC address on a host interface (the parent), as if plugged into its LAN. The host itself cannot reach them through the parent unless cnm.macvlan.host_shim is on.',
  ipam: true,
  required: ['parent'],
  options: [
    {
      key: 'parent',
      description:
        "Host interface the macvlan links hang off, e.g. eth0, or eth0.10 (cnmd makes that 802.1q sub-interface; needs the kernel's 8021q). Without it (or with --internal) sandboxes reach only each other.",
      value: 'string',
    },
    {
      key: 'macvlan_mode',
      description:
        'macvlan mode (default: bridge). private: sandboxes cannot reach each other; vepa: via the external switch; passthru: one sandbox per parent.',
      value: 'string',
      values: ['bridge', 'vepa', 'passthru', 'private'],
    },
    {
      key: 'cnm.macvlan.host_shim',
      description:
        "cnm only: add a host-side macvlan (bridge mode) and routes so the host can reach this network's sandboxes (default: false).",
      value: 'bool',
    },
    MTU,
  ],
};

const OVERLAY: DriverInfo = {
  name: 'overlay',
  description: 'A VXLAN network spanning several hosts that share a key-value store.',
  ipam: true,
  multiHost: true,
  required: [],
  options: [
    {
      key: 'com.docker.network.driver.overlay.vxlanid_list',
      description: "VXLAN id(s) for the network's subnets, comma-separated (default: allocated from 4096 up).",
      value: 'list',
    },
    MTU,
  ],
};

const HOST: DriverInfo = {
  name: 'host',
  description: "No isolation: sandboxes share the host's network namespace. Only the predefined `host` network.",
  ipam: false,
  required: [],
  options: [],
};

const NULL: DriverInfo = {
  name: 'null',
  description: 'No networking: sandboxes get only a loopback interface. Only the predefined `none` network.',
  ipam: false,
  required: [],
  options: [],
};

export const DRIVER_INFO: Readonly<Record<DriverName, DriverInfo>> = {
  bridge: BRIDGE,
  overlay: OVERLAY,
  macvlan: MACVLAN,
  host: HOST,
  null: NULL,
};

export function isDriverName(name: string): name is DriverName {
  return (DRIVERS as readonly string[]).includes(name);
}

export function driverInfo(name: string): DriverInfo | undefined {
  return isDriverName(name) ? DRIVER_INFO[name] : undefined;
}

export function driverOption(driver: string, key: string): DriverOption | undefined {
  return driverInfo(driver)?.options.find((o) => o.key === key);
}

/** The driver Docker uses when none is given. */
export const DEFAULT_DRIVER: DriverName = 'bridge';
