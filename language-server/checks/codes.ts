// Every diagnostic code the server emits. Clients may filter on them; tests cover each one.
export const CODES = {
  'yaml-syntax': 'YAML syntax error',
  'schema-unknown-key': 'key not allowed here',
  'schema-type': 'value of the wrong type',
  'invalid-cidr': 'not a CIDR',
  'invalid-address': 'not an IP address',
  'gateway-outside-subnet': 'gateway not in the subnet',
  'ip-range-outside-subnet': 'ip_range not in the subnet',
  'aux-address-outside-subnet': 'auxiliary address not in the subnet',
  'subnet-overlap': 'two networks of the file overlap',
  'host-subnet-overlap': 'subnet overlaps a network or route on the host',
  'undefined-network': 'network not defined in the file',
  'address-outside-subnet': "static address not in the network's subnets",
  'duplicate-address': 'static address used twice on one network',
  'address-is-gateway': "static address is the network's gateway",
  'macvlan-parent-missing': 'macvlan network without parent',
  'macvlan-parent-unknown': 'macvlan parent not on the host',
  'unknown-driver': 'unknown network driver',
  'unknown-driver-option': 'option not known to the driver',
  'driver-not-on-host': 'driver the connected cnmd does not implement',
  'external-network-missing': 'external network not on the host',
  'network-mode-with-networks': 'network_mode together with networks',
  'invalid-port': 'ports entry that docker run -p would refuse',
  'duplicate-host-port': 'host port published twice in the file',
  'host-port-published': 'host port already published on the live host',
} as const;

export type Code = keyof typeof CODES;
