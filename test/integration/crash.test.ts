// Crash consistency against a real cnmd in a throwaway host namespace. Every named fail point
// (helper/failpoints.ts) in turn: cnmd started with CNM_FAILPOINTS=<name>, the operation that
// reaches it run, cnmd dies by SIGKILL there, is started again, and then: nothing orphaned, nothing
// half-made (consistency.ts), the operation happened whole or not at all, and everything made in
// the round can be removed. Then random kills: SIGKILL at a random moment of a random workload,
// CNM_KILL_RUNS times (30 by default; 200 for the long run), each followed by the same checks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient, ApiError } from '../../helper/api/client.js';
import { FAILPOINTS, FAILPOINT_ENV, type FailpointName } from '../../helper/failpoints.js';
import { TestHost } from './host.js';
import { checkConsistent } from './consistency.js';
import { isRoot, needsRoot } from '../root.js';

let host: TestHost;
let api: ApiClient;

before(async () => {
  if (!isRoot) return;
  host = await TestHost.start('crash');
  api = new ApiClient(host.hostUrl);
  await api.createNetwork({ Name: 'base', IPAM: { Config: [{ Subnet: '10.72.0.0/24' }] } });
  await api.createNetwork({ Name: 'base2', IPAM: { Config: [{ Subnet: '10.73.0.0/24' }] } });
});

after(async () => {
  if (!isRoot) return;
  await host?.destroy();
});

const ignore = () => undefined;

/** How one round reaches its fail point: made first (cnmd not armed), then the operation (armed). */
interface Round {
  prepare(i: number): Promise<void>;
  run(i: number): Promise<unknown>;
  /** Whether the operation's effect is on record after the restart. */
  happened(i: number): Promise<boolean>;
  cleanup(i: number): Promise<void>;
}

const hasNet = async (name: string) => (await api.listNetworks()).some((n) => n.Name === name);
const sandbox = async (name: string) => (await api.listSandboxes()).find((s) => s.name === name);
const onNet = async (name: string, net: string) => !!(await sandbox(name))?.endpoints.some((e) => e.networkName === net);
const rmSandbox = (name: string) => api.removeSandbox(name, true).catch(ignore);

function roundFor(fp: FailpointName): Round {
  const op = fp.split(':')[0];
  const net = (i: number) => `n${i}`;
  const sb = (i: number) => `s${i}`;
  switch (op) {
    case 'network-create':
      return {
        prepare: async () => undefined,
        run: (i) => api.createNetwork({ Name: net(i), IPAM: { Config: [{ Subnet: `10.74.${i}.0/24` }] } }),
        happened: (i) => hasNet(net(i)),
        cleanup: async (i) => void ((await hasNet(net(i))) && (await api.removeNetwork(net(i)))),
      };
    case 'network-rm':
      return {
        prepare: async (i) => void (await api.createNetwork({ Name: net(i) })),
        run: (i) => api.removeNetwork(net(i)),
        happened: async (i) => !(await hasNet(net(i))),
        cleanup: async (i) => void ((await hasNet(net(i))) && (await api.removeNetwork(net(i)))),
      };
    case 'connect':
    case 'spare':
      return fp === 'connect:spare'
        ? {
            // A spare exists only in the running cnmd: disconnect (parks the veth), then connect reuses it.
            prepare: async (i) => void (await api.createSandbox({ Name: sb(i), Network: 'base2' })),
            run: async (i) => {
              await api.disconnect('base2', { Container: sb(i) });
              await api.connect('base', { Container: sb(i) });
            },
            happened: (i) => onNet(sb(i), 'base'),
            cleanup: (i) => rmSandbox(sb(i)),
          }
        : {
            prepare: async (i) => void (await api.createSandbox({ Name: sb(i) })),
            // spare:made happens after the connect answered: wait for the kill.
            run: async (i) => {
              await api.connect('base', { Container: sb(i) });
              await host.exited(3000);
            },
            happened: (i) => onNet(sb(i), 'base'),
            cleanup: (i) => rmSandbox(sb(i)),
          };
    case 'disconnect':
      return {
        prepare: async (i) => void (await api.createSandbox({ Name: sb(i), Network: 'base' })),
        run: (i) => api.disconnect('base', { Container: sb(i) }),
        happened: async (i) => !(await onNet(sb(i), 'base')),
        cleanup: (i) => rmSandbox(sb(i)),
      };
    case 'sandbox-create':
      return {
        prepare: async () => undefined,
        run: (i) => api.createSandbox({ Name: sb(i), Network: 'base' }),
        happened: async (i) => !!(await sandbox(sb(i))),
        cleanup: (i) => rmSandbox(sb(i)),
      };
    case 'sandbox-rm':
      return {
        prepare: async (i) => void (await api.createSandbox({ Name: sb(i), Network: 'base' })),
        run: (i) => api.removeSandbox(sb(i), true),
        happened: async (i) => !(await sandbox(sb(i))),
        cleanup: (i) => rmSandbox(sb(i)),
      };
    case 'network-move':
      return {
        // The network's one sandbox is reconnected on the subnet on record, whichever it is.
        prepare: async (i) => {
          await api.createNetwork({ Name: net(i), IPAM: { Config: [{ Subnet: `10.75.${i}.0/24` }] } });
          await api.createSandbox({ Name: sb(i), Network: net(i) });
        },
        run: (i) => api.moveNetwork(net(i), { Subnet: `10.76.${i}.0/24` }),
        happened: async (i) => (await api.inspectNetwork(net(i))).IPAM.Config?.[0]?.Subnet === `10.76.${i}.0/24`,
        cleanup: async (i) => {
          await rmSandbox(sb(i));
          if (await hasNet(net(i))) await api.removeNetwork(net(i));
        },
      };
    default:
      throw new Error(`no round for fail point ${fp}`);
  }
}

async function restart(env: NodeJS.ProcessEnv = {}): Promise<void> {
  await host.stopDaemon('SIGTERM');
  await host.startDaemon(env);
}

test('a kill at every fail point leaves a consistent host, the operation whole or not at all', needsRoot, async () => {
  const names = Object.keys(FAILPOINTS) as FailpointName[];
  const outcomes: string[] = [];
  for (const [i, fp] of names.entries()) {
    const round = roundFor(fp);
    await round.prepare(i);
    await restart({ [FAILPOINT_ENV]: fp });
    await round.run(i).catch(ignore); // the connection drops when cnmd dies
    assert.equal(await host.exited(5000), 'SIGKILL', `${fp}: cnmd did not die at its fail point\n${host.daemonLog()}`);
    await host.startDaemon();
    const problems = await checkConsistent(host, api);
    assert.deepEqual(problems, [], `${fp}: after the restart`);
    const done = await round.happened(i);
    outcomes.push(`${fp}=${done ? 'done' : 'not done'}`);
    await round.cleanup(i);
    assert.deepEqual(await checkConsistent(host, api), [], `${fp}: after removing what the round made`);
  }
  console.log(`# fail points: ${names.length} kills, 0 inconsistencies; ${outcomes.join(', ')}`);
});

/** One random operation of the workload; failures (cnmd killed, a name not there) are expected. */
async function randomOp(k: number): Promise<void> {
  const nets = (await api.listNetworks()).filter((n) => n.Name.startsWith('w'));
  const sbs = await api.listSandboxes();
  const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(Math.random() * xs.length)];
  const r = Math.random();
  if (r < 0.15 || nets.length === 0) await api.createNetwork({ Name: `w${k}` });
  else if (r < 0.25) await api.removeNetwork(pick(nets)!.Name);
  else if (r < 0.45 || sbs.length === 0) await api.createSandbox({ Name: `r${k}`, Network: pick([...nets.map((n) => n.Name), 'base'])! });
  else if (r < 0.6) await api.removeSandbox(pick(sbs)!.name, true);
  else if (r < 0.8) await api.connect(pick([...nets.map((n) => n.Name), 'base', 'base2'])!, { Container: pick(sbs)!.name });
  else {
    const s = pick(sbs)!;
    const ep = pick(s.endpoints);
    if (ep) await api.disconnect(ep.networkName, { Container: s.name });
  }
}

test('random kills during a random workload', needsRoot, async () => {
  const runs = Number(process.env.CNM_KILL_RUNS) || 30;
  const ops = { done: 0, refused: 0, cut: 0 };
  const restartMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    let alive = true;
    // The kill falls anywhere in the first 1.5 s of the workload: inside an operation most times.
    const killer = setTimeout(() => {
      alive = false;
      void host.stopDaemon('SIGKILL');
    }, Math.random() * 1500);
    for (let k = 0; alive && k < 100; k++) {
      await randomOp(run * 100 + k).then(
        () => ops.done++,
        (err) => (err instanceof ApiError ? ops.refused++ : ops.cut++),
      );
    }
    clearTimeout(killer);
    await host.stopDaemon('SIGKILL');
    const t0 = Date.now();
    await host.startDaemon();
    restartMs.push(Date.now() - t0);
    const problems = await checkConsistent(host, api);
    assert.deepEqual(problems, [], `run ${run}: after the restart\n${host.daemonLog().slice(-4000)}`);
  }
  // Everything left can be removed, and then nothing is left.
  for (const s of await api.listSandboxes()) await api.removeSandbox(s.id, true);
  for (const n of await api.listNetworks()) if (n.Name.startsWith('w')) await api.removeNetwork(n.Id);
  assert.deepEqual(await checkConsistent(host, api), []);
  restartMs.sort((a, b) => a - b);
  console.log(
    `# random kills: ${runs} kills, 0 inconsistencies; operations: ${ops.done} done, ${ops.refused} refused (4xx), ${ops.cut} cut by the kill; restart median ${restartMs[restartMs.length >> 1]} ms`,
  );
});
