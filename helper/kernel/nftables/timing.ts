// Firewall apply time, median of 50, in-process libnftables vs spawning `nft -f -`, for a ruleset
// of 20 networks, in a throwaway netns. Run as root: node --import tsx helper/kernel/nftables/timing.ts
import { createNetns, deleteNetns } from '../netns/netns.js';
import { applyWithNftBinary, Firewall } from './nft.js';
import type { NetworkRules } from './ruleset.js';

const RUNS = 50;
const ns = `t-nfttiming-${process.pid}`;
const rules: NetworkRules[] = Array.from({ length: 20 }, (_, i) => ({
  networkId: i.toString(16).padStart(64, '0'),
  bridge: `br-${i}`,
  subnets: [`10.${i}.0.0/16`],
  internal: i % 5 === 0,
  icc: i % 3 !== 0,
  masquerade: true,
}));

async function median(fn: () => Promise<void>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return (ms[RUNS / 2 - 1] + ms[RUNS / 2]) / 2;
}

async function main(): Promise<void> {
  const path = await createNetns(ns);
  try {
    const fw = Firewall.inNetns(path);
    const lib = await median(() => fw.apply(rules));
    const bin = await median(() => applyWithNftBinary(rules, path));
    console.log(
      `firewall apply, 20 networks, median of ${RUNS}: libnftables in-process ${lib.toFixed(2)} ms; nft -f - (spawned) ${bin.toFixed(2)} ms; ratio ${(bin / lib).toFixed(1)}x`,
    );
  } finally {
    await deleteNetns(ns);
  }
}

void main();
