// API compatibility with dockerode, the client the extension uses: the same calls it makes to dockerd.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { startHarness, type Harness } from './testing/harness.js';

describe('dockerode against cnmd', () => {
  let h: Harness;
  let docker: Docker;
  before(async () => {
    h = await startHarness();
    docker = new Docker({ socketPath: h.socketPath });
    await h.controller.createSandbox({ Name: 'dsb' });
  });
  after(() => h.close());

  it('pings and reads the version', async () => {
    assert.equal(String(await docker.ping()), 'OK');
    assert.equal((await docker.version()).ApiVersion, '1.41');
  });

  it('lists, creates, inspects, connects, disconnects and removes', async () => {
    const names = (await docker.listNetworks()).map((n) => n.Name);
    assert.ok(names.includes('bridge') && names.includes('frontend'));
    assert.deepEqual(
      (await docker.listNetworks({ filters: { name: ['front'] } })).map((n) => n.Name),
      ['frontend'],
    );
    const net = await docker.createNetwork({
      Name: 'dnet',
      Driver: 'bridge',
      IPAM: { Driver: 'default', Config: [{ Subnet: '10.44.0.0/24' }] },
      Labels: { via: 'dockerode' },
    });
    const info = await net.inspect();
    assert.equal(info.Name, 'dnet');
    assert.equal(info.IPAM?.Config?.[0]?.Subnet, '10.44.0.0/24');
    assert.deepEqual(info.Labels, { via: 'dockerode' });
    await net.connect({ Container: 'dsb', EndpointConfig: { IPAMConfig: { IPv4Address: '10.44.0.7' } } });
    assert.ok(Object.values((await net.inspect()).Containers as Record<string, { Name: string }>).some((c) => c.Name === 'dsb'));
    await net.disconnect({ Container: 'dsb', Force: true });
    await net.remove();
    await assert.rejects(
      docker.getNetwork('dnet').inspect(),
      (e: { statusCode?: number; json?: { message?: string } }) => e.statusCode === 404 && e.json?.message === 'network dnet not found',
    );
  });

  it('surfaces conflict errors with status and Docker message', async () => {
    await assert.rejects(
      docker.createNetwork({ Name: 'frontend' }),
      (e: { statusCode?: number; json?: { message?: string } }) =>
        e.statusCode === 409 && e.json?.message === 'network with name frontend already exists',
    );
  });

  it('prunes with filters', async () => {
    await docker.createNetwork({ Name: 'old', Labels: { tmp: 'y' } });
    const report = await docker.pruneNetworks({ filters: { label: ['tmp=y'] } });
    assert.deepEqual(report.NetworksDeleted, ['old']);
  });

  it('streams events', async () => {
    const stream = (await docker.getEvents({ filters: { type: ['network'], event: ['create'] } })) as NodeJS.ReadableStream & {
      destroy(): void;
    };
    const first = new Promise<Record<string, unknown>>((resolve) =>
      stream.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString().split('\n')[0]!))),
    );
    await new Promise((r) => setTimeout(r, 50));
    await docker.createNetwork({ Name: 'evnet' });
    const ev = await first;
    stream.destroy();
    assert.equal(ev.Type, 'network');
    assert.equal(ev.Action, 'create');
    assert.equal((ev.Actor as { Attributes: { name: string } }).Attributes.name, 'evnet');
  });
});
