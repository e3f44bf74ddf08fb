// API compatibility with the real docker CLI (a Docker 28 client that negotiates down to 1.41).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { FakeController, fixtureNetworks, readFixture } from './testing/fake-controller.js';
import { startHarness, type Harness } from './testing/harness.js';

const DOCKER = '/usr/local/bin/docker';
/** The networks docker-network-ls.txt shows (the seed has two more: custom, v6net). */
const LS_FIXTURE_IDS = readFixture('docker-network-ls.txt')
  .split('\n')
  .slice(1, -1)
  .map((l) => l.split(' ')[0]!);

describe('docker CLI against cnmd', { skip: !fs.existsSync(DOCKER) && `${DOCKER} not installed` }, () => {
  let h: Harness;
  const docker = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        DOCKER,
        args[0] === '-H' ? args : ['-H', `unix://${h.socketPath}`, ...args],
        { env: { PATH: process.env.PATH, HOME: process.env.HOME } },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  before(async () => {
    h = await startHarness();
    await h.controller.createSandbox({ Name: 'box' });
  });
  after(() => h.close());

  it('network ls prints the same table as Docker 20.10 (--no-trunc golden)', async () => {
    const own = await startHarness(new FakeController(fixtureNetworks().filter((n) => LS_FIXTURE_IDS.includes(n.Id))));
    try {
      const r = await docker('-H', `unix://${own.socketPath}`, 'network', 'ls', '--no-trunc');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, readFixture('docker-network-ls.txt'));
    } finally {
      await own.close();
    }
  });

  it('network inspect prints the fixture byte-for-byte, and the missing-network error', async () => {
    const r = await docker('network', 'inspect', 'custom');
    assert.equal(r.stdout, readFixture('docker-network-inspect-custom-options.json'));
    const missing = await docker('network', 'inspect', 'nosuchnet');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, readFixture('docker-error-inspect-missing.txt'));
  });

  it('create, connect, disconnect, rm, prune -f', async () => {
    const created = await docker('network', 'create', '--subnet', '10.61.0.0/24', '--gateway', '10.61.0.1', '--label', 'k=v', 'clinet');
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^[0-9a-f]{64}\n$/);
    assert.equal((await docker('network', 'create', 'frontend')).stderr, readFixture('docker-error-duplicate-network.txt'));
    assert.equal((await docker('network', 'connect', '--ip', '10.61.0.5', 'clinet', 'box')).code, 0);
    const subnet = await docker(
      'network',
      'inspect',
      '-f',
      '{{range .IPAM.Config}}{{.Subnet}}{{end}} {{range .Containers}}{{.Name}}{{end}}',
      'clinet',
    );
    assert.equal(subnet.stdout, '10.61.0.0/24 box\n');
    const inUse = await docker('network', 'rm', 'clinet');
    assert.equal(inUse.code, 1);
    assert.match(
      inUse.stderr,
      /^Error response from daemon: error while removing network: network clinet id [0-9a-f]{64} has active endpoints\n/,
    );
    assert.equal((await docker('network', 'disconnect', 'clinet', 'box')).code, 0);
    const rm = await docker('network', 'rm', 'clinet');
    assert.equal(rm.stdout, 'clinet\n');
    const prune = await docker('network', 'prune', '-f');
    assert.equal(prune.stdout, 'Deleted Networks:\ncustom\nv6net\nbackend\n\n');
    const bad = await docker('network', 'ls', '--filter', 'bogus=1');
    assert.equal(bad.stderr, "Error response from daemon: Invalid filter 'bogus'\n");
  });
});
