import assert from 'node:assert/strict';
import type { NetworkCreateRequest } from '../../model/docker.js';
import { after, before, describe, it } from 'node:test';
import { FakeController, fixtureNetworks, readFixture } from '../api/testing/fake-controller.js';
import { startHarness, type Harness } from '../api/testing/harness.js';
import { PRUNE_WARNING } from './network-prune.js';
import { runCli } from './testing.js';
import { VERBS } from './verbs.js';

describe('cnm CLI', () => {
  let h: Harness;
  let host: string;
  const cnm = (...argv: string[]) => runCli(argv, { host });
  const stdoutOf = async (...argv: string[]) => (await cnm(...argv)).stdout;
  const stderrOf = async (...argv: string[]) => (await cnm(...argv)).stderr;
  /** Exit code 1 with exactly this stderr (and stdout, '' unless given). */
  const fails = async (argv: string[], stderr: string, stdout = '') => assert.deepEqual(await cnm(...argv), { code: 1, stdout, stderr });
  before(async () => {
    h = await startHarness();
    host = `unix://${h.socketPath}`;
  });
  after(() => h.close());

  it('loads every registered verb', async () => {
    for (const v of VERBS) assert.equal(typeof (await v.load()).verb.run, 'function', v.name);
  });

  it('network ls matches docker-network-ls.txt (golden, --no-trunc) and truncates ids by default', async () => {
    const own = await startHarness(new FakeController(fixtureNetworks().filter((n) => !['custom', 'v6net'].includes(n.Name))));
    try {
      const full = await runCli(['network', 'ls', '--no-trunc'], { host: own.socketPath });
      assert.equal(full.stdout, readFixture('docker-network-ls.txt'));
      const short = await runCli(['-H', `unix://${own.socketPath}`, 'network', 'ls'], {});
      assert.equal(short.stdout.split('\n')[0], 'NETWORK ID     NAME       DRIVER    SCOPE');
      assert.equal(short.stdout.split('\n')[1], '8c000a32719d   backend    bridge    local');
    } finally {
      await own.close();
    }
  });

  it('node ls: the cluster table, the degraded store on stderr, and a clear error without a cluster store', async () => {
    const own = await startHarness(new FakeController([]));
    try {
      const at = (...argv: string[]) => runCli(argv, { host: own.socketPath });
      const none = await at('node', 'ls');
      assert.equal(none.code, 1);
      assert.match(none.stderr, /not part of a cluster: start it with --cluster-store etcd:\/\/HOST:2379/);
      const health = { store: 'etcd://10.0.0.1:2379', state: 'up' as const, since: '2026-12-01T10:00:00.000Z' };
      const ep = (name: string) => ({
        networkId: 'n',
        endpointId: name,
        sandboxId: name,
        name,
        hostname: name,
        aliases: [],
        mac: '',
        host: 'b',
        vtep: '10.0.0.3',
      });
      own.controller.clusterView = {
        configured: true,
        name: 'a',
        health,
        hosts: [
          { name: 'a', address: '10.0.0.2', port: 2376, version: '0.1.0', state: 'this host', endpoints: [] },
          { name: 'b', address: '10.0.0.3', version: '0.1.0', state: 'up', endpoints: [ep('b1'), ep('b2')] },
          { name: 'c', address: 'fd00::4', port: 2376, version: '0.1.0', state: 'lease expired' },
        ],
      };
      const table = await at('node', 'ls');
      assert.equal(
        table.stdout,
        'NAME      ADDRESS          STATE           ENDPOINTS   VERSION\n' +
          'a         10.0.0.2:2376    this host       0           0.1.0\n' +
          'b         10.0.0.3         up              2           0.1.0\n' +
          'c         [fd00::4]:2376   lease expired   0           0.1.0\n',
      );
      assert.equal((await at('node', 'ls', '--format', '{{.Name}} {{.Endpoints}}')).stdout, 'a 0\nb 2\nc 0\n');
      assert.equal(table.stderr, '');
      assert.equal((await at('node', 'list', '--format', '{{.Name}}={{.State}}')).stdout, 'a=this host\nb=up\nc=lease expired\n');
      own.controller.clusterView.health = { ...health, state: 'degraded', lastError: 'list hosts/: 14 UNAVAILABLE' };
      assert.match(
        (await at('node', 'ls')).stderr,
        /cluster store etcd:\/\/10\.0\.0\.1:2379 degraded since .*: list hosts\/: 14 UNAVAILABLE/,
      );
      assert.match(
        (await at('info')).stdout,
        /Cluster Store: etcd:\/\/10\.0\.0\.1:2379\n {2}State: degraded .*\n {2}Last Error: list hosts/,
      );
    } finally {
      await own.close();
    }
  });

  it('network ls -q, --filter, --format', async () => {
    assert.equal(await stdoutOf('network', 'ls', '-q', '-f', 'driver=null'), '94a237f661c7\n');
    assert.equal(
      await stdoutOf('network', 'list', '--filter', 'label=owner', '--format', '{{.Name}} {{.Labels}} {{.Internal}}'),
      'custom owner=steering true\n',
    );
    assert.equal(
      await stdoutOf('network', 'ls', '-f', 'name=custom', '--format', 'table {{.Name}}\\t{{.CreatedAt}}'),
      'NAME      CREATED AT\ncustom    2026-11-22 10:19:59.192186576 +0000 UTC\n',
    );
    const bad = await cnm('network', 'ls', '-f', 'bogus=1');
    assert.deepEqual([bad.code, bad.stderr], [1, "Error response from daemon: Invalid filter 'bogus'\n"]);
  });

  it('network inspect prints Docker JSON exactly, -f templates, and missing networks as Docker does', async () => {
    assert.equal(await stdoutOf('network', 'inspect', 'custom'), readFixture('docker-network-inspect-custom-options.json'));
    assert.equal(
      await stdoutOf('network', 'inspect', '-f', '{{json .IPAM.Config}} {{.Driver}}', 'custom'),
      '[{"Subnet":"10.77.0.0/24","IPRange":"10.77.0.128/25","Gateway":"10.77.0.1"}] bridge\n',
    );
    const missing = await cnm('network', 'inspect', 'nosuchnet');
    assert.deepEqual([missing.code, missing.stdout, missing.stderr], [1, '[]\n', readFixture('docker-error-inspect-missing.txt')]);
  });

  it('network create sends Docker request body and prints the id', async () => {
    const r = await cnm(
      'network',
      'create',
      '-d',
      'bridge',
      '--subnet',
      '10.70.0.0/16',
      '--ip-range',
      '10.70.1.0/24',
      '--gateway',
      '10.70.0.1',
      '--aux-address',
      'r=10.70.0.2',
      '-o',
      'com.docker.network.driver.mtu=1400',
      '--internal',
      '--ipv6',
      '--label',
      'a=b',
      '--attachable',
      'made',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
    const req = h.controller.lastCall('createNetwork');
    assert.deepEqual(req, {
      Name: 'made',
      CheckDuplicate: true,
      Driver: 'bridge',
      Scope: '',
      Internal: true,
      Attachable: true,
      Ingress: false,
      EnableIPv6: true,
      IPAM: {
        Driver: 'default',
        Config: [{ Subnet: '10.70.0.0/16', IPRange: '10.70.1.0/24', Gateway: '10.70.0.1', AuxiliaryAddresses: { r: '10.70.0.2' } }],
        Options: {},
      },
      Options: { 'com.docker.network.driver.mtu': '1400' },
      Labels: { a: 'b' },
      ConfigOnly: false,
    });
    const dup = await cnm('network', 'create', 'frontend');
    assert.deepEqual([dup.code, dup.stderr], [1, readFixture('docker-error-duplicate-network.txt')]);
  });

  it('network create -d overlay: scope local on a cnmd without a cluster store, none with one, --scope as given', async () => {
    const scopeOf = async (...argv: string[]) => {
      const r = await cnm('network', 'create', ...argv);
      assert.equal(r.code, 0, r.stderr);
      return (h.controller.lastCall('createNetwork') as NetworkCreateRequest).Scope;
    };
    assert.equal(await scopeOf('-d', 'overlay', 'ov-solo'), 'local');
    assert.equal(await scopeOf('-d', 'overlay', '--scope', 'global', 'ov-global'), 'global', 'an explicit --scope is honoured');
    assert.equal(await scopeOf('ov-bridge'), '', 'other drivers: the daemon decides');
    const standalone = h.controller.clusterView;
    h.controller.clusterView = { configured: true, health: { store: 'etcd://10.0.0.1:2379', state: 'up', since: '' }, hosts: [] };
    try {
      assert.equal(await scopeOf('-d', 'overlay', 'ov-multi'), '', 'with a cluster store: a global overlay');
    } finally {
      h.controller.clusterView = standalone;
    }
    for (const n of ['ov-solo', 'ov-global', 'ov-bridge', 'ov-multi']) assert.equal((await cnm('network', 'rm', n)).code, 0);
  });

  it('flag errors name the flag and point at --help', async () => {
    await fails(['network', 'create', '--x', 'n'], "unknown flag: --x\nSee 'cnm network create --help'.\n");
    assert.equal(await stderrOf('network', 'create', '--subnet'), "flag needs an argument: --subnet\nSee 'cnm network create --help'.\n");
    assert.equal(
      await stderrOf('network', 'create'),
      `"cnm network create" requires exactly 1 argument.\nSee 'cnm network create --help'.\n`,
    );
    assert.equal(
      await stderrOf('network', 'create', '--gateway', '1.2.3.4', 'n'),
      "every ip-range or gateway must have a corresponding subnet\nSee 'cnm network create --help'.\n",
    );
    assert.equal(await stderrOf('bogus'), "cnm: 'bogus' is not a cnm command.\nSee 'cnm --help'\n");
  });

  it("bodies are checked with the API's schema before they are sent, the error naming the flag", async () => {
    const sent = h.controller.calls.length;
    assert.equal(
      await stderrOf('sandbox', 'create', '--dns', 'not-an-ip', 's1'),
      `invalid argument for "--dns" flag: not-an-ip is not an ip address\nSee 'cnm sandbox create --help'.\n`,
    );
    assert.match(
      await stderrOf('sandbox', 'create', '--hostname', 'a b', 's1'),
      /^invalid argument for "--hostname" flag: "a b" is not a valid host name/,
    );
    assert.match(
      await stderrOf('network', 'create', '--subnet', '10.0.0.1/32', 'n'),
      /^invalid argument for "--subnet" flag: subnet 10.0.0.1\/32 has no room/,
    );
    assert.equal(h.controller.calls.length, sent, 'nothing reached the daemon');
  });

  it('a mistyped command or verb gets "Did you mean this?", as cobra words it', async () => {
    await fails(['netwrok', 'ls'], "cnm: 'netwrok' is not a cnm command.\n\nDid you mean this?\n\tnetwork\n\nSee 'cnm --help'\n");
    assert.equal(
      await stderrOf('network', 'craete', 'x'),
      "cnm: 'network craete' is not a cnm command.\n\nDid you mean this?\n\tcreate\n\nSee 'cnm --help'\n",
    );
    assert.equal(await stderrOf('sandbx'), "cnm: 'sandbx' is not a cnm command.\n\nDid you mean this?\n\tsandbox\n\nSee 'cnm --help'\n");
    assert.equal(
      await stderrOf('vers'),
      "cnm: 'vers' is not a cnm command.\n\nDid you mean this?\n\tversion\n\nSee 'cnm --help'\n",
      'a prefix is close too',
    );
  });

  it('--help on every verb, --version, group help', async () => {
    for (const v of VERBS) {
      const r = await cnm(...v.name.split(' '), '--help');
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`Usage:  cnm ${v.name}`));
    }
    assert.match(await stdoutOf('--version'), /^cnm version \d+\.\d+\.\d+\n$/);
    assert.match(await stdoutOf('network'), /Commands:\n {2}ls {11}List networks/);
    assert.match(await stdoutOf('--help'), /sandbox create/);
  });

  it('sandbox create/ls/inspect, connect/disconnect, dns ls, rm', async () => {
    const created = await cnm(
      'sandbox',
      'create',
      'web',
      '--net',
      'backend',
      '--ip',
      '172.23.0.20',
      '--label',
      'tier=web',
      '--hostname',
      'w1',
    );
    assert.equal(created.code, 0, created.stderr);
    const id = created.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.equal((await cnm('network', 'connect', '--ip', '172.22.0.30', '--alias', 'www', 'frontend', 'web')).code, 0);
    const connectReq = h.controller.lastCall('connect');
    assert.deepEqual(connectReq, { Container: 'web', EndpointConfig: { IPAMConfig: { IPv4Address: '172.22.0.30' }, Aliases: ['www'] } });
    const ls = await cnm('sandbox', 'ls');
    assert.equal(
      ls.stdout,
      `SANDBOX ID     NAME      NETWORKS           IP ADDRESSES\n${id.slice(0, 12)}   web       backend,frontend   172.23.0.20/16,172.22.0.30/16\n`,
    );
    assert.equal(await stdoutOf('sandbox', 'ls', '-q'), `${id.slice(0, 12)}\n`);
    const inspect = JSON.parse(await stdoutOf('sandbox', 'inspect', 'web'));
    assert.equal(inspect[0].hostname, 'w1');
    assert.deepEqual(inspect[0].labels, { tier: 'web' });
    const dns = await cnm('dns', 'ls', 'backend');
    assert.equal(dns.stdout, 'NETWORK   NAME      TYPE      ADDRESS       SANDBOX\nbackend   web       A         172.23.0.20   web\n');
    assert.equal((await cnm('network', 'disconnect', '-f', 'frontend', 'web')).code, 0);
    const notForced = await cnm('sandbox', 'rm', 'web');
    assert.equal(notForced.code, 1);
    assert.match(notForced.stderr, /^Error response from daemon: sandbox web is connected/);
    await fails(['sandbox', 'rm', '-f', 'web', 'ghost'], 'Error response from daemon: No such sandbox: ghost\n', 'web\n');
    await fails(['network', 'connect', 'frontend', 'ghost'], 'Error response from daemon: No such sandbox: ghost\n');
    assert.equal(await stderrOf('sandbox', 'inspect', 'ghost'), 'Error response from daemon: No such sandbox: ghost\n');
  });

  it('network rm prints names and Docker errors; prune asks unless -f', async () => {
    const own = await startHarness(new FakeController());
    const run = (argv: string[], input?: string[]) => runCli(argv, { host: own.socketPath, input });
    try {
      await own.controller.createSandbox({ Name: 'c', Network: 'backend' });
      const rm = await run(['network', 'rm', 'custom', 'backend']);
      assert.equal(rm.stdout, 'custom\n');
      assert.match(
        rm.stderr,
        /^Error response from daemon: error while removing network: network backend id [0-9a-f]{64} has active endpoints\n$/,
      );
      assert.equal(rm.code, 1);
      assert.deepEqual(await run(['network', 'prune'], ['n']), { code: 0, stdout: PRUNE_WARNING, stderr: '' });
      assert.equal((await run(['network', 'prune'], ['y'])).stdout, `${PRUNE_WARNING}Deleted Networks:\nv6net\n\n`);
      assert.equal((await run(['network', 'prune', '-f'])).stdout, '');
    } finally {
      await own.close();
    }
  });

  it('says Docker-style when the daemon is not there', async () => {
    const r = await runCli(['network', 'ls'], { host: 'unix:///nonexistent/cnmd.sock' });
    assert.deepEqual(r, {
      code: 1,
      stdout: '',
      stderr: 'Cannot connect to the cnm daemon at unix:///nonexistent/cnmd.sock. Is cnmd running?\n',
    });
  });

  it('exec runs through the API and passes the exit code', async () => {
    await h.controller.createSandbox({ Name: 'onhost' });
    h.controller.sandboxes.find((s) => s.name === 'onhost')!.netnsPath = 'host';
    assert.equal((await cnm('exec', 'onhost', '--', 'sh', '-c', 'exit 7')).code, 7);
    assert.equal((await cnm('exec', 'onhost', 'true')).code, 0);
    assert.equal((await cnm('exec', 'onhost')).code, 1);
    const missing = await cnm('exec', 'nosuch', 'true');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error response from daemon: .*nosuch/);
  });

  it('version shows client and server', async () => {
    const r = await cnm('version');
    assert.match(r.stdout, /Server: cnmd\n Version: +0\.1\.0-test\n API version: +1\.41/);
  });
});
