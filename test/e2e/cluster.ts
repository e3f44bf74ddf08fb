// The Hosts view in the real extension host against a real cluster: three cnmd hosts (each its
// own network namespace, TestHost) on a bridge underlay in a fourth namespace where a real etcd
// runs (TestEtcd). The extension talks to host A. The suite (scenario "cluster" of suite/index.ts)
// drives the outages through a control socket this harness serves: stop a host, stop and start
// etcd. Everything it made goes at the end, also on failure. Prints `N passed, N failed, N skipped`.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestEtcd, etcdMissing } from '../integration/etcd.js';
import { TestHost, mustSh, sh } from '../integration/host.js';
import { finish, runScenarios, type Scenario } from './extHost.js';
import { log } from './lib.js';

const PORT = Number(process.env.PORT ?? 8935);
const UNDERLAY = `e2e-ul-${process.pid}`;
const NET = '10.233.0';
const HOSTS = ['hosta', 'hostb', 'hostc'];

/** What the suite may ask for: POST /etcd/stop, /etcd/start, /hosts/<name>/stop. */
function controlServer(socket: string, etcd: TestEtcd, hosts: Map<string, TestHost>): Promise<http.Server> {
  const actions: Record<string, () => Promise<void>> = {
    '/etcd/stop': () => etcd.stop(),
    '/etcd/start': () => etcd.start(),
    ...Object.fromEntries([...hosts].map(([name, h]) => [`/hosts/${name}/stop`, () => h.stopDaemon('SIGTERM')])),
  };
  const server = http.createServer((req, res) => {
    const act = req.method === 'POST' ? actions[req.url ?? ''] : undefined;
    if (!act) return void res.writeHead(404).end(`no such action: ${req.method} ${req.url}`);
    log(`control: ${req.url}`);
    act().then(
      () => res.writeHead(204).end(),
      (e: Error) => res.writeHead(500).end(e.message),
    );
  });
  return new Promise((resolve) => server.listen(socket, () => resolve(server)));
}

const cluster: Scenario = {
  name: 'cluster',
  async setup() {
    const hosts = new Map<string, TestHost>();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-e2e-cluster-'));
    let etcd: TestEtcd | undefined;
    let control: http.Server | undefined;
    const stop = async () => {
      const problems: string[] = [];
      control?.close();
      for (const h of hosts.values()) await h.destroy().catch((e) => problems.push(String(e)));
      await etcd?.destroy().catch((e) => problems.push(String(e)));
      const r = sh('ip', ['netns', 'delete', UNDERLAY]);
      if (r.code !== 0 && !/No such file/.test(r.stderr)) problems.push(`netns ${UNDERLAY}: ${r.stderr}`);
      fs.rmSync(dir, { recursive: true, force: true });
      if (problems.length) throw new Error(`clean-up: ${problems.join('; ')}`);
    };
    try {
      mustSh('ip', ['netns', 'add', UNDERLAY]);
      for (const args of [
        ['link', 'set', 'lo', 'up'],
        ['link', 'add', 'br0', 'type', 'bridge'],
        ['addr', 'add', `${NET}.1/24`, 'dev', 'br0'],
        ['link', 'set', 'br0', 'up'],
      ])
        mustSh('ip', ['-n', UNDERLAY, ...args]);
      etcd = await TestEtcd.create({ netns: UNDERLAY, ip: `${NET}.1` });
      for (const [i, name] of HOSTS.entries()) {
        const address = `${NET}.${i + 2}`;
        // each host: a veth from the underlay bridge, `ul0` inside its namespace
        const wire = (h: TestHost) => {
          mustSh('ip', ['-n', UNDERLAY, 'link', 'add', `p${i}`, 'type', 'veth', 'peer', 'name', 'ul0', 'netns', h.ns]);
          mustSh('ip', ['-n', UNDERLAY, 'link', 'set', `p${i}`, 'master', 'br0', 'up']);
          mustSh('ip', ['-n', h.ns, 'addr', 'add', `${address}/24`, 'dev', 'ul0']);
          mustSh('ip', ['-n', h.ns, 'link', 'set', 'ul0', 'up']);
        };
        const args = ['--cluster-store', etcd.url, '--cluster-advertise', i === 0 ? 'ul0:2376' : address, '--cluster-name', name];
        hosts.set(name, await TestHost.start(`e2e-${name}`, { setup: wire, daemonArgs: args }));
      }
      control = await controlServer(path.join(dir, 'control.sock'), etcd, hosts);
      log(`cluster: ${HOSTS.join(', ')} on ${NET}.0/24, etcd ${etcd.url}`);
    } catch (e) {
      await stop().catch((c) => log(String(c)));
      throw e;
    }
    const sockets = Object.fromEntries([...hosts].map(([name, h]) => [name, h.socket]));
    return {
      env: {
        CNM_HOST: `unix://${hosts.get('hosta')!.socket}`,
        CNM_E2E_CONTROL: path.join(dir, 'control.sock'),
        CNM_E2E_HOSTS: JSON.stringify(sockets),
        CNM_E2E_STORE: etcd.url,
      },
      stop,
    };
  },
};

if (etcdMissing) {
  console.log(`  SKIP - cluster: ${etcdMissing}`);
  console.log('0 passed, 0 failed, 1 skipped');
} else finish(runScenarios([cluster], PORT));
