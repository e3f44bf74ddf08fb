// The real `docker` CLI and dockerode against a real cnmd: both must work unchanged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { TestHost, sh } from './host.js';
import { isRoot, needsRoot } from '../root.js';

let host: TestHost;
before(async () => {
  if (!isRoot) return;
  host = await TestHost.start('dock');
});
after(async () => {
  if (!isRoot) return;
  await host?.destroy();
});

function docker(...args: string[]) {
  return sh('docker', args, { env: { ...process.env, DOCKER_HOST: host.hostUrl } });
}

test('the real docker CLI: network ls / create / inspect / connect / disconnect / rm / prune', needsRoot, (t) => {
  if (sh('docker', ['--version']).code !== 0) return t.skip('no docker client binary on this machine');
  const ls = docker('network', 'ls');
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, /^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE$/m);
  assert.match(ls.stdout, /\sbridge\s+bridge\s+local/);
  assert.match(ls.stdout, /\snone\s+null\s+local/);

  const created = docker('network', 'create', '--subnet', '10.55.0.0/24', '--label', 'team=net', 'dnet');
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout.trim(), /^[0-9a-f]{64}$/);
  const dup = docker('network', 'create', 'dnet');
  assert.notEqual(dup.code, 0);
  assert.match(dup.stderr, /network with name dnet already exists/);

  const insp = docker('network', 'inspect', '-f', '{{.Name}} {{.Driver}} {{(index .IPAM.Config 0).Subnet}} {{.Labels.team}}', 'dnet');
  assert.equal(insp.stdout.trim(), 'dnet bridge 10.55.0.0/24 net');

  host.mustCnm('sandbox', 'create', 'dbox', '--net', 'none');
  host.mustCnm('sandbox', 'create', 'dbox2');
  const conn = docker('network', 'connect', '--ip', '10.55.0.9', '--alias', 'web', 'dnet', 'dbox2');
  assert.equal(conn.code, 0, conn.stderr);
  const withC = docker('network', 'inspect', '-f', '{{range .Containers}}{{.Name}}={{.IPv4Address}}{{end}}', 'dnet');
  assert.equal(withC.stdout.trim(), 'dbox2=10.55.0.9/24');

  const rmBusy = docker('network', 'rm', 'dnet');
  assert.notEqual(rmBusy.code, 0);
  assert.match(rmBusy.stderr, /has active endpoints/);
  assert.equal(docker('network', 'disconnect', 'dnet', 'dbox2').code, 0);
  const rm = docker('network', 'rm', 'dnet');
  assert.equal(rm.code, 0, rm.stderr);
  assert.equal(rm.stdout.trim(), 'dnet');

  assert.equal(docker('network', 'create', 'unused1').code, 0);
  const prune = docker('network', 'prune', '-f');
  assert.equal(prune.code, 0, prune.stderr);
  assert.match(prune.stdout, /Deleted Networks:\nunused1/);
  const missing = docker('network', 'inspect', 'nosuchnet');
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /nosuchnet/);
});

test('dockerode: list, create, inspect, connect, disconnect, events, remove', needsRoot, async () => {
  const d = new Docker({ socketPath: host.socket });
  const nets = await d.listNetworks();
  assert.deepEqual(nets.map((n) => n.Name).sort(), ['bridge', 'host', 'none']);
  const stream = (await d.getEvents({ filters: { type: ['network'] } })) as NodeJS.ReadableStream;
  const seen: string[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      const ev = JSON.parse(line);
      if (ev.Actor.Attributes.name === 'dode') seen.push(ev.Action);
    }
  });
  const net = await d.createNetwork({ Name: 'dode', Driver: 'bridge', IPAM: { Driver: 'default', Config: [{ Subnet: '10.66.0.0/24' }] } });
  const info = await net.inspect();
  assert.equal(info.IPAM?.Config?.[0]?.Subnet, '10.66.0.0/24');
  assert.match(host.inHost('ip', '-4', 'addr').stdout, /inet 10.66.0.1\/24/, 'gateway address on the bridge');
  host.mustCnm('sandbox', 'create', 'dodebox', '--net', 'none');
  // moby's runconfig.ErrConflictNoNetwork is a validationError (InvalidParameter): 400.
  await assert.rejects(net.connect({ Container: 'dodebox' }), (e: { statusCode: number }) => e.statusCode === 400);
  host.mustCnm('sandbox', 'create', 'dodebox2');
  await net.connect({ Container: 'dodebox2', EndpointConfig: { Aliases: ['api'] } });
  assert.equal(Object.keys((await net.inspect()).Containers ?? {}).length, 1);
  await net.disconnect({ Container: 'dodebox2' });
  await net.remove();
  await assert.rejects(d.getNetwork('dode').inspect(), (e: { statusCode: number }) => e.statusCode === 404);
  await assert.rejects(
    d.createNetwork({ Name: 'x', IPAM: { Driver: 'default', Config: [{ Subnet: 'nonsense' }] } }),
    (e: { statusCode: number }) => e.statusCode === 400,
  );
  const deadline = Date.now() + 2000;
  while (seen.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  (stream as unknown as { destroy(): void }).destroy();
  assert.deepEqual(seen.slice(0, 4), ['create', 'connect', 'disconnect', 'destroy']);
});
