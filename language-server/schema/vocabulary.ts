// What the networking keys of compose files and cnm topology files mean. Compose's wording from
// the compose specification; the topology file reuses the same keys so one lesson serves both.
import { DRIVERS } from '../../model/cnm.js';
import type { Shape } from './shape.js';

const str = (description: string, extra: Partial<Shape> = {}): Shape => ({ type: 'string', description, ...extra });
const bool = (description: string): Shape => ({ type: 'boolean', description });
const stringMap = (description: string): Shape => ({
  description,
  anyOf: [
    { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'integer' }] } },
    { type: 'array', items: { type: 'string' } },
  ],
});
const stringOrList = (description: string): Shape => ({
  description,
  anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
});

const pool: Shape = {
  type: 'object',
  description: 'One address pool of the network.',
  additionalProperties: false,
  properties: {
    subnet: str('Subnet in CIDR form, e.g. 172.28.0.0/16. Must not overlap another network or a route on the host.', {
      examples: ['172.28.0.0/16'],
    }),
    ip_range: str('Range (CIDR) inside the subnet that dynamic addresses are allocated from.'),
    gateway: str("Gateway address inside the subnet (default: the subnet's first address)."),
    aux_addresses: {
      type: 'object',
      description: 'Addresses inside the subnet the IPAM driver must not hand out, by host name.',
      additionalProperties: { type: 'string' },
    },
  },
};

export const NETWORK: Shape = {
  description: 'A network: its driver, options and address pools.',
  anyOf: [
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: str('Name of the network on the host (compose: instead of <project>_<key>).'),
        driver: str('Network driver: bridge (default), overlay, macvlan, host or null.', { enum: DRIVERS }),
        driver_opts: {
          type: 'object',
          description: 'Driver options (docker network create --opt); the keys depend on the driver.',
          additionalProperties: { anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'boolean' }] },
        },
        attachable: bool('Sandboxes can be connected to the network later (overlay).'),
        enable_ipv6: bool('Give the network an IPv6 pool as well.'),
        internal: bool('No route off the network: sandboxes on it reach only each other.'),
        external: {
          description: 'The network exists already and is not created or removed by this file.',
          anyOf: [
            { type: 'boolean' },
            { type: 'object', additionalProperties: false, properties: { name: str('Name of the existing network.') } },
          ],
        },
        labels: stringMap('Metadata labels on the network.'),
        ipam: {
          type: 'object',
          description: "IP address management: the IPAM driver and the network's address pools.",
          additionalProperties: false,
          properties: {
            driver: str('IPAM driver (default: default).'),
            config: { type: 'array', description: 'Address pools, one per subnet.', items: pool },
            options: { type: 'object', description: 'IPAM driver options.', additionalProperties: { type: 'string' } },
          },
        },
      },
    },
    { type: 'null' },
  ],
};

const attachment: Shape = {
  description: 'How the sandbox is attached to this network.',
  anyOf: [
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        aliases: {
          type: 'array',
          description: 'Other names the sandbox answers to on this network (embedded DNS).',
          items: { type: 'string' },
        },
        ipv4_address: str("Static IPv4 address on this network; must lie in one of the network's subnets."),
        ipv6_address: str("Static IPv6 address on this network; must lie in one of the network's subnets."),
        link_local_ips: { type: 'array', description: 'Link-local addresses.', items: { type: 'string' } },
        mac_address: str('MAC address of the interface on this network.'),
        interface_name: str('Name of the interface inside the sandbox.'),
        driver_opts: { type: 'object', description: 'Endpoint options for the driver.', additionalProperties: { type: 'string' } },
        priority: { type: 'integer', description: 'Connect order: higher priorities are connected first.' },
        gw_priority: { type: 'integer', description: 'The network with the highest gw_priority gives the default route.' },
      },
    },
    { type: 'null' },
  ],
};

const attachments: Shape = {
  description: 'Networks the sandbox is attached to: a list of names, or names with settings.',
  anyOf: [
    { type: 'array', items: { type: 'string' } },
    { type: 'object', additionalProperties: attachment },
  ],
};

/** Networking keys of a compose service (the other keys are compose's business). */
const serviceNetworking: Record<string, Shape> = {
  networks: attachments,
  network_mode: str('Network mode: bridge, host, none, service:NAME or container:NAME. Excludes `networks`.', {
    examples: ['host', 'none', 'bridge'],
  }),
  hostname: str('Host name inside the sandbox.'),
  dns: stringOrList('Upstream DNS servers for the embedded DNS.'),
  mac_address: str('MAC address of the first interface.'),
  links: { type: 'array', description: 'Legacy links to other services: SERVICE or SERVICE:ALIAS.', items: { type: 'string' } },
  ports: {
    type: 'array',
    description: 'Published ports: [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL].',
    items: { anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'object' }] },
  },
};

export const COMPOSE: Shape = {
  type: 'object',
  properties: {
    networks: { type: 'object', description: 'Networks the services of this file use.', additionalProperties: NETWORK },
    services: {
      type: 'object',
      description: 'The services; cnm reads their networking keys.',
      additionalProperties: { anyOf: [{ type: 'object', properties: serviceNetworking, additionalProperties: true }, { type: 'null' }] },
    },
  },
  additionalProperties: true,
};

const sandbox: Shape = {
  description: 'A sandbox: a network namespace with one interface per attached network.',
  anyOf: [
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: str('Name of the sandbox on the host (default: the key).'),
        hostname: str('Host name inside the sandbox.'),
        dns: stringOrList('Upstream DNS servers for the embedded DNS.'),
        labels: stringMap('Metadata labels on the sandbox.'),
        networks: attachments,
        network_mode: str('host or none: the sandbox uses the predefined network of that name. Excludes `networks`.', {
          enum: ['host', 'none', 'bridge'],
        }),
      },
    },
    { type: 'null' },
  ],
};

export const TOPOLOGY: Shape = {
  type: 'object',
  description: "A cnm topology file: networks and sandboxes, in compose's vocabulary.",
  additionalProperties: false,
  properties: {
    name: str('Project name: what `cnm apply` made is labelled with it, and removed when it leaves the file.'),
    networks: { type: 'object', description: 'The networks to create.', additionalProperties: NETWORK },
    sandboxes: {
      type: 'object',
      description: 'The sandboxes to create, and the networks each is attached to.',
      additionalProperties: sandbox,
    },
  },
};
