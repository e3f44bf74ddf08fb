import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SandboxView } from '../../model/cnm.js';
import type { DockerInfo, NetworkResource } from '../../model/docker.js';
import { desiredFromText } from './source.js';
import { plan } from './plan.js';
import { formatPlan } from './format.js';
import { execute, type TopologyApi } from './execute.js';
import { PROJECT_LABEL } from './types.js';

const TOPOLOGY = `
name: lab
networks:
  front:
    driver: bridge
    ipam:
      config:
        - subnet: 10.10.0.0/24
          gateway: 10.10.0.1
  back:
    internal: true
    ipam:
      config:
        - subnet: 10.30.0.0/24
sandboxes:
  web:
    hostname: web
    networks:
      front:
        ipv4_address: 10.10.0.5
        aliases: [www]
      back: {}
  db:
    networks: [back]
`;

function net(name: string, extra: Partial<NetworkResource> = {}): NetworkResource {
  return {
    Name: name,
    Id: `${name}-id`,
    Created: '',
    Scope: 'local',
    Driver: 'bridge',
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: [] },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: {},
    Options: {},
    Labels: { [PROJECT_LABEL]: 'lab' },
    ...extra,
  };
}

function sandbox(name: string, nets: Array<[string, string?]>, extra: Partial<SandboxView> = {}): SandboxView {
  return {
    id: `${name}-id`,
    name,
    hostname: name,
    labels: { [PROJECT_LABEL]: 'lab' },
    netnsPath: '',
    created: '',
    dns: [],
    endpoints: nets.map(([n, ip], i) => ({
      id: `e${i}`,
      networkId: `${n}-id`,
      sandboxId: `${name}-id`,
      ifname: `eth${i}`,
      mac: '',
      ipv4: ip,
      aliases: [],
      order: i,
      networkName: n,
    })),
    ...extra,
  };
}

test('a topology file on an empty host: create everything, networks before sandboxes', () => {
  const p = plan(desiredFromText(TOPOLOGY, 'lab.cnm.yaml'), { networks: [], sandboxes: [] });
  assert.deepEqual(
    p.steps.map((s) => s.kind),
    ['create-network', 'create-network', 'create-sandbox', 'create-sandbox'],
  );
  assert.match(formatPlan(p), /^\+ create network front \(bridge, 10\.10\.0\.0\/24\)$/m);
  assert.match(formatPlan(p), /^\+ create sandbox web on front \(10\.10\.0\.5, alias www\), back$/m);
});

test('a host that matches gives no steps', () => {
  const desired = desiredFromText(TOPOLOGY, 'lab.cnm.yaml');
  const front = net('front', { IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: '10.10.0.0/24', Gateway: '10.10.0.1' }] } });
  const actual = {
    networks: [
      front,
      net('back', { Internal: true, IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: '10.30.0.0/24', Gateway: '10.30.0.1' }] } }),
    ],
    sandboxes: [
      {
        ...sandbox('web', [['front', '10.10.0.5/24'], ['back']]),
        endpoints: sandbox('web', [['front', '10.10.0.5/24'], ['back']]).endpoints.map((e) => ({ ...e, aliases: ['www'] })),
      },
      sandbox('db', [['back']]),
    ],
  };
  const p = plan(desired, actual);
  assert.deepEqual(p.steps, []);
  assert.equal(formatPlan(p), 'No changes: the host matches the file.\n');
});

test('changed network is recreated with its connections; stale objects of the project go', () => {
  const desired = desiredFromText(TOPOLOGY, 'lab.cnm.yaml');
  const actual = {
    networks: [
      net('front', { IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: '10.20.0.0/24' }] } }),
      net('back', { Internal: true, IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: '10.30.0.0/24' }] } }),
      net('old'),
      net('foreign', { Labels: {} }),
    ],
    sandboxes: [sandbox('web', [['front', '10.20.0.5/24'], ['back']]), sandbox('db', [['back'], ['old']]), sandbox('gone', [])],
  };
  const p = plan(desired, actual);
  const text = formatPlan(p);
  assert.match(text, /^- disconnect web from front$/m);
  assert.match(text, /^- disconnect db from old$/m);
  assert.match(text, /^- remove sandbox gone$/m);
  assert.match(text, /^- remove network old$/m);
  assert.match(text, /^~ recreate network front: ipam: subnet=10\.20\.0\.0\/24 → subnet=10\.10\.0\.0\/24 gateway=10\.10\.0\.1$/m);
  assert.match(text, /^\+ connect web to front \(10\.10\.0\.5, alias www\)$/m);
  assert.doesNotMatch(text, /foreign/);
  assert.ok(p.steps.findIndex((s) => s.kind === 'disconnect') < p.steps.findIndex((s) => s.kind === 'recreate-network'));
});

test('compose: project prefix, implicit default network, external network must exist', async () => {
  const compose = `
services:
  app: {}
  api:
    networks: [ext]
networks:
  ext:
    external: true
`;
  const desired = desiredFromText(compose, '/srv/My-App/compose.yaml');
  assert.equal(desired.project, 'my-app');
  assert.deepEqual(
    desired.networks.map((n) => n.name),
    ['ext', 'my-app_default'],
  );
  assert.deepEqual(
    desired.sandboxes.map((s) => s.name),
    ['my-app-app-1', 'my-app-api-1'],
  );
  const p = plan(desired, { networks: [], sandboxes: [] });
  assert.deepEqual(p.blockers, ['external network "ext" does not exist on the host']);
  await assert.rejects(execute(p, {} as TopologyApi), /cannot apply: external network "ext"/);
});

test('an undefined network or YAML error is refused with the file name', () => {
  assert.throws(
    () => desiredFromText('sandboxes:\n  a:\n    networks: [nope]\n', 'x.cnm.yaml'),
    /x\.cnm\.yaml: network "nope" is used but not defined/,
  );
  assert.throws(() => desiredFromText('networks: [a\n', 'x.cnm.yaml'), /x\.cnm\.yaml: /);
});

test('execute runs the steps in order against the API and names the failing step', async () => {
  const calls: string[] = [];
  const api: TopologyApi = {
    createNetwork: async (r) => void calls.push(`create ${r.Name} ${r.IPAM?.Config?.[0]?.Subnet ?? ''}`),
    removeNetwork: async (id) => void calls.push(`rm ${id}`),
    connect: async (n, r) => void calls.push(`connect ${r.Container} ${n} ${r.EndpointConfig?.IPAMConfig?.IPv4Address ?? ''}`),
    disconnect: async (n, r) => void calls.push(`disconnect ${r.Container} ${n}`),
    createSandbox: async (r) => void calls.push(`sandbox ${r.Name} ${r.Network} ${r.IPv4Address ?? ''}`),
    removeSandbox: async (id) => void calls.push(`rm-sandbox ${id}`),
    info: async () => ({ Cnm: { version: '1', drivers: [], kernel: {} } }) as unknown as DockerInfo,
  };
  const p = plan(desiredFromText(TOPOLOGY, 'lab.cnm.yaml'), { networks: [], sandboxes: [] });
  const seen: number[] = [];
  await execute(p, api, (i) => seen.push(i));
  assert.deepEqual(calls, [
    'create front 10.10.0.0/24',
    'create back 10.30.0.0/24',
    'sandbox web front 10.10.0.5',
    'connect web back ',
    'sandbox db back ',
  ]);
  assert.deepEqual(seen, [0, 1, 2, 3]);
  await assert.rejects(
    execute(p, {
      ...api,
      createSandbox: async () => {
        throw new Error('boom');
      },
    }),
    /apply failed at step 3\/4 \(create sandbox web on .*\): boom/,
  );
});

test('apply asks a cnmd without a cluster store for a stand-alone overlay, as `cnm network create` does', async () => {
  const scopes: string[] = [];
  const cnmd = (cluster?: object) => ({ Cnm: { version: '1', drivers: [], kernel: {}, cluster } }) as unknown as DockerInfo;
  const api = (info: DockerInfo) =>
    ({
      createNetwork: async (r: { Scope?: string }) => void scopes.push(r.Scope ?? '(none)'),
      info: async () => info,
    }) as unknown as TopologyApi;
  const p = plan(desiredFromText('networks:\n  multi:\n    driver: overlay\n  br: {}\n', 'o.cnm.yaml'), { networks: [], sandboxes: [] });
  await execute(p, api(cnmd()));
  await execute(p, api(cnmd({ store: 'etcd://h:2379', state: 'up', since: '' })));
  assert.deepEqual(scopes, ['local', '(none)', '(none)', '(none)']);
});
