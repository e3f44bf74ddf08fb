// `cnm info` and GET /info through the API server backed by the fake controller.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DockerInfo } from '../../model/docker.js';
import { FakeController } from '../api/testing/fake-controller.js';
import { startHarness, type Harness } from '../api/testing/harness.js';
import { runCli } from './testing.js';
import { TEST_KERNEL } from '../../model/features.js';

describe('cnm info', () => {
  let h: Harness;
  const cnm = (...argv: string[]) => runCli(argv, { host: `unix://${h.socketPath}` });
  before(async () => {
    // No networks: /info does not depend on them (and the fixtures are not needed).
    h = await startHarness(new FakeController([]));
  });
  after(() => h.close());

  it("GET /info: Docker's shape with Plugins.Network from the controller and Cnm", async () => {
    const r = await h.request('GET', '/v1.41/info');
    assert.equal(r.status, 200);
    const info = JSON.parse(r.text) as DockerInfo;
    assert.deepEqual(info.Plugins, { Network: ['bridge', 'host', 'null'], Volume: [], Log: [] });
    assert.deepEqual(info.Cnm, { version: '0.1.0-test', drivers: ['bridge', 'host', 'null'], kernel: TEST_KERNEL });
    assert.equal(info.ServerVersion, '0.1.0-test');
  });

  it('prints versions, plugins and the kernel features with the reason for each absent one', async () => {
    const r = await cnm('info');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ Server Version: 0\.1\.0-test$/m);
    assert.match(r.stdout, /^ Kernel Version: \S+$/m);
    assert.match(r.stdout, /^ Plugins:\n {2}Network: bridge host null$/m);
    assert.match(r.stdout, /^ {2}Present: bridge veth vxlan macvlan nftables ipv6$/m);
    assert.match(r.stdout, /^ {2}Absent: vlan dummy ipvlan$/m);
    assert.match(r.stdout, /^ {3}vlan: kernel lacks 802\.1q VLAN support \(module 8021q\)$/m);
    assert.match(r.stdout, /^ {3}ipvlan: kernel lacks ipvlan support \(module ipvlan\)$/m);
  });

  it('--format renders the /info JSON through a Go template', async () => {
    assert.equal((await cnm('info', '--format', '{{json .Plugins.Network}}')).stdout, '["bridge","host","null"]\n');
    assert.equal((await cnm('info', '-f', '{{.Cnm.kernel.vlan}} {{.ServerVersion}}')).stdout, 'false 0.1.0-test\n');
    const all = JSON.parse((await cnm('info', '--format', '{{json .}}')).stdout) as DockerInfo;
    assert.deepEqual(all.Cnm?.drivers, ['bridge', 'host', 'null']);
  });
});
