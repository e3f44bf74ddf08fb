// requestAddress cost against how full the pool is (not a test): a Txn + a dynamic address + its
// release, in a /16 already holding N addresses. Pools of every size are measured in interleaved
// rounds so machine noise hits them alike; the minimum and median per size are printed.
// Run: node --import tsx helper/ipam/ipam.bench.ts
import { Txn } from '../store/txn.js';
import { DefaultIpam } from './ipam.js';

const SIZES = [10, 500, 60000];
const ROUNDS = 15;
const BATCH = 5000;

async function filled(n: number): Promise<{ ipam: DefaultIpam; subnet: string }> {
  const ipam = new DefaultIpam(async () => []);
  const { subnet } = await ipam.requestPool(new Txn(), 'n', { v6: false, subnet: '10.0.0.0/16' });
  for (let i = 0; i < n; i++) ipam.requestAddress(new Txn(), 'n', subnet);
  return { ipam, subnet };
}

function batchMicros({ ipam, subnet }: { ipam: DefaultIpam; subnet: string }): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < BATCH; i++) {
    const a = ipam.requestAddress(new Txn(), 'n', subnet);
    ipam.releaseAddress(new Txn(), 'n', subnet, a);
  }
  return Number(process.hrtime.bigint() - t0) / 1e3 / BATCH;
}

async function main(): Promise<void> {
  const pools = await Promise.all(SIZES.map(filled));
  const times = SIZES.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) pools.forEach((p, i) => times[i].push(batchMicros(p)));
  SIZES.forEach((n, i) => {
    const t = times[i].sort((a, b) => a - b);
    console.log(
      `${String(n).padStart(5)} allocated: min ${t[0].toFixed(2)} µs, median ${t[ROUNDS >> 1].toFixed(2)} µs per request+release`,
    );
  });
}

void main();
