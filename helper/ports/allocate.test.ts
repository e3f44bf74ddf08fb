import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PortMapping, PortProto } from '../../model/ports.js';
import { CnmError } from '../errors.js';
import { allocatePorts, exposedPorts, type AllocateEnv } from './allocate.js';

const env = (over: Partial<AllocateEnv> = {}): AllocateEnv => ({
  sandbox: 'web',
  endpointId: 'e'.repeat(64),
  defaultHostIp: '0.0.0.0',
  ipv6: false,
  taken: [],
  bindProblem: async () => undefined,
  ephemeral: [40000, 40010],
  ...over,
});
const b = (HostIp: string, HostPort: string) => [{ HostIp, HostPort }];

test('host address defaults to host_binding_ipv4; a missing port is picked from the ephemeral range', async () => {
  const out = await allocatePorts({ bindings: { '80/tcp': b('', '8080'), '9000/tcp': b('', '') } }, env({ defaultHostIp: '192.0.2.1' }));
  assert.deepEqual(out, [
    { proto: 'tcp', containerPort: 80, hostIp: '192.0.2.1', hostPort: 8080 },
    { proto: 'tcp', containerPort: 9000, hostIp: '192.0.2.1', hostPort: 40000 },
  ]);
});

test('-P publishes the exposed ports not bound yet; IPv6 sandboxes get :: too', async () => {
  const req = { exposed: { '7000/udp': {} }, bindings: { '80/tcp': b('', '8080') }, publishAll: true };
  assert.deepEqual(exposedPorts(req), ['7000/udp', '80/tcp']);
  const out = await allocatePorts(req, env({ ipv6: true }));
  assert.deepEqual(
    out.map((m) => `${m.containerPort}/${m.proto} ${m.hostIp}:${m.hostPort}`),
    ['80/tcp 0.0.0.0:8080', '80/tcp :::8080', '7000/udp 0.0.0.0:40000', '7000/udp :::40000'],
  );
});

test('ports taken by cnm or by the host are skipped when picking, refused when asked for', async () => {
  const taken: PortMapping[] = [{ proto: 'tcp', containerPort: 1, hostIp: '0.0.0.0', hostPort: 40000 }];
  const bindProblem = async (_p: PortProto, _ip: string, port: number) => (port === 40001 ? 'bind: address already in use' : undefined);
  const [m] = await allocatePorts({ bindings: { '80/tcp': b('', '') } }, env({ taken, bindProblem }));
  assert.equal(m!.hostPort, 40002);
  await assert.rejects(
    allocatePorts({ bindings: { '80/tcp': b('127.0.0.1', '40000') } }, env({ taken })),
    (e: CnmError) =>
      e.status === 500 &&
      e.message ===
        `driver failed programming external connectivity on endpoint web (${'e'.repeat(64)}): Bind for 127.0.0.1:40000 failed: port is already allocated`,
  );
  await assert.rejects(
    allocatePorts({ bindings: { '53/udp': b('', '40001') } }, env({ bindProblem })),
    /Error starting userland proxy: listen udp4 0\.0\.0\.0:40001: bind: address already in use$/,
  );
  const same = await allocatePorts({ bindings: { '80/udp': b('', '40000') } }, env({ taken }));
  assert.equal(same[0]!.hostPort, 40000, 'another protocol may share the port number');
});

test('malformed JSON shapes are refused with the field named', () => {
  assert.throws(
    () => exposedPorts({ bindings: 'x' as never }),
    (e: CnmError) => e.status === 400 && /^PortBindings:/.test(e.message),
  );
  assert.throws(() => exposedPorts({ bindings: { '80/tcp': [{ HostPort: 8080 }] } as never }), /PortBindings\["80\/tcp"\]/);
  assert.throws(() => exposedPorts({ exposed: ['80/tcp'] as never }), /ExposedPorts/);
  assert.deepEqual(exposedPorts({ bindings: { '80/tcp': null }, exposed: {} }), ['80/tcp']);
});

test('one request cannot take a port twice; an IPv6 address needs an IPv6 sandbox; the range can run out', async () => {
  await assert.rejects(
    allocatePorts({ bindings: { '80/tcp': b('', '8080'), '81/tcp': b('', '8080') } }, env()),
    /Bind for 0\.0\.0\.0:8080 failed/,
  );
  await assert.rejects(allocatePorts({ bindings: { '80/tcp': b('::1', '8080') } }, env()), /has no IPv6 address/);
  const full = async () => 'bind: address already in use';
  await assert.rejects(
    allocatePorts({ bindings: { '80/tcp': b('', '') } }, env({ bindProblem: full, ephemeral: [40000, 40001] })),
    /listen tcp4 0\.0\.0\.0:40001/,
  );
  await assert.rejects(
    allocatePorts({ bindings: { '80/tcp': b('nope', '') } }, env()),
    (e: CnmError) => e.status === 400 && /Invalid ip address: nope/.test(e.message),
  );
  await assert.rejects(
    allocatePorts({ bindings: { '80/xyz': b('', '') } }, env()),
    (e: CnmError) => e.status === 400 && /Invalid proto: xyz/.test(e.message),
  );
});
