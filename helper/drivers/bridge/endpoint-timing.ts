// Endpoint set-up time, median of 50: veth with the peer born in a fresh sandbox netns as eth0
// with MAC and MTU, host end on the bridge and up, peer up, address, default route.
// Run as root: node --import tsx helper/drivers/bridge/endpoint-timing.ts
import type { Endpoint } from '../../../model/cnm.js';
import { Netlink } from '../../kernel/netlink/netlink.js';
import { createNetns, deleteNetns, listNetns } from '../../kernel/netns/netns.js';
import { BridgeDriver } from './bridge.js';
import { testNetwork } from '../testing.js';
import { parseBridgeOptions } from './options.js';

const RUNS = 50;
const prefix = `t-timing-${process.pid}-`;

async function main(): Promise<void> {
  const host = Netlink.inNetns(await createNetns(prefix + 'host'));
  const net = testNetwork('f', {
    name: 'timing',
    subnet: '10.210.0.0/16',
    gateway: '10.210.0.1',
    options: { 'com.docker.network.driver.mtu': '1450' },
  });
  const ms: number[] = [];
  try {
    const driver = new BridgeDriver({ host });
    const bound = { net, cfg: parseBridgeOptions(net) };
    await driver.setupNetwork(bound);
    // Sandboxes first: namespace creation is not part of endpoint set-up (and its RCU work would
    // otherwise spill into the next measurement).
    const paths: string[] = [];
    for (let i = 0; i < RUNS; i++) paths.push(await createNetns(`${prefix}${i}`));
    for (let i = 0; i < RUNS; i++) {
      const path = paths[i];
      const nl = Netlink.inNetns(path);
      const id = i.toString(16).padStart(4, '0') + 'e'.repeat(60);
      const ep: Endpoint = {
        id,
        networkId: net.id,
        sandboxId: '',
        ifname: 'eth0',
        mac: `02:42:0a:d2:00:${(i + 2).toString(16).padStart(2, '0')}`,
        ipv4: `10.210.0.${i + 2}/16`,
        aliases: [],
        order: 0,
      };
      const sb = { sandbox: { id, name: '', hostname: '', labels: {}, netnsPath: path, created: '', dns: [] }, nl };
      const t0 = process.hrtime.bigint();
      await driver.setupEndpoint(bound, ep, sb, true);
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      nl.close();
    }
  } finally {
    host.close();
    for (const n of listNetns(prefix)) await deleteNetns(n);
  }
  ms.sort((a, b) => a - b);
  const median = (ms[RUNS / 2 - 1] + ms[RUNS / 2]) / 2;
  console.log(
    `endpoint set-up (bridge driver, netlink, peer born in netns): median ${median.toFixed(2)} ms, p90 ${ms[Math.floor(RUNS * 0.9)].toFixed(2)} ms, min ${ms[0].toFixed(2)} ms (n=${RUNS})`,
  );
}

void main();
