// The measuring functions. They take a Target and speak only Docker's Engine API paths through its
// client, so Docker and cnmd are timed by exactly the same code.
import type { NetworkCreateResponse } from '../../model/docker.js';
import { pool } from '../lib/sh.js';
import { API, type Target } from './target.js';

/**
 * Unmeasured calls before each timed series, the same for both systems: first-use costs (lazy
 * module loads, caches, and for cnmd's JavaScript the JIT's tiers) are not what we compare; a
 * daemon is measured in the steady state it is in after minutes of use.
 */
const WARMUP = 20;

/** Creates a default bridge network, as `docker network create NAME` does; returns its id and the call's latency. */
export async function createNetwork(t: Target, name: string): Promise<{ id: string; ms: number }> {
  const r = await t.api.ok('POST', `${API}/networks/create`, { Name: name, Driver: 'bridge', CheckDuplicate: true });
  return { id: (JSON.parse(r.body) as NetworkCreateResponse).Id, ms: r.ms };
}

export async function removeNetwork(t: Target, id: string): Promise<number> {
  return (await t.api.ok('DELETE', `${API}/networks/${id}`)).ms;
}

async function connect(t: Target, network: string, container: string): Promise<number> {
  return (await t.api.ok('POST', `${API}/networks/${network}/connect`, { Container: container, EndpointConfig: {} })).ms;
}

async function disconnect(t: Target, network: string, container: string): Promise<number> {
  return (await t.api.ok('POST', `${API}/networks/${network}/disconnect`, { Container: container, Force: false })).ms;
}

/** `reps` create + rm pairs of a fresh default bridge network; returns both latency series in ms. */
export async function measureCreateRm(t: Target, prefix: string, reps: number): Promise<{ create: number[]; rm: number[] }> {
  const create: number[] = [];
  const rm: number[] = [];
  for (let i = 0; i < WARMUP + reps; i++) {
    const c = await createNetwork(t, `${prefix}-n${i}`);
    const r = await removeNetwork(t, c.id);
    if (i >= WARMUP) {
      create.push(c.ms);
      rm.push(r);
    }
  }
  return { create, rm };
}

/** `reps` connect + disconnect pairs of one workload to `network`; returns both latency series in ms. */
export async function measureConnectDisconnect(
  t: Target,
  network: string,
  container: string,
  reps: number,
): Promise<{ connect: number[]; disconnect: number[] }> {
  const con: number[] = [];
  const dis: number[] = [];
  for (let i = 0; i < WARMUP + reps; i++) {
    const a = await connect(t, network, container);
    const b = await disconnect(t, network, container);
    if (i >= WARMUP) {
      con.push(a);
      dis.push(b);
    }
  }
  return { connect: con, disconnect: dis };
}

/**
 * Adds workloads on `network` until `ids` holds `want` of them or `budgetMs` has passed (Docker needs
 * ~0.45 s per running container). Several in flight: this is set-up, not a measured figure.
 */
export async function populate(
  t: Target,
  network: string,
  prefix: string,
  ids: string[],
  want: number,
  budgetMs: number,
  concurrency: number,
): Promise<void> {
  const deadline = Date.now() + budgetMs;
  const names = Array.from({ length: Math.max(0, want - ids.length) }, (_, k) => `${prefix}-w${ids.length + k}`);
  let lastShown = Date.now();
  await pool(names, concurrency, async (name) => {
    if (Date.now() > deadline) return;
    ids.push(await t.addWorkload(name, network));
    if (Date.now() - lastShown > 10_000) {
      lastShown = Date.now();
      process.stderr.write(`  ${t.name}: ${ids.length}/${want} on the network\n`);
    }
  });
}

/** Best-effort bulk removal of workloads; failures are reported, not thrown, so clean-up goes on. */
export async function removeWorkloads(t: Target, ids: readonly string[], concurrency: number): Promise<void> {
  let failed = 0;
  await pool(ids, concurrency, async (id) => {
    await t.removeWorkload(id).catch((e: Error) => {
      if (failed++ === 0) console.error(`${t.name}: removing ${id}: ${e.message}`);
    });
  });
  if (failed) console.error(`${t.name}: ${failed} of ${ids.length} workloads could not be removed`);
}
