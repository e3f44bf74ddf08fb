// Wires the Docker plugin: the IPAM and network halves over the core, the socket, and a periodic
// sweep for endpoints whose container died unannounced.
import path from 'node:path';
import type { Controller } from '../core/controller.js';
import { moveLink } from '../kernel/handoff.js';
import { log } from '../log.js';
import { dockerNames, dockerNetworks, dockerPluginNetworks } from './docker-names.js';
import { PluginIpam } from './ipam.js';
import { DOCKER_NETWORK_LABEL, PluginNetworkDriver } from './network.js';
import { pluginHandlers, startPluginServer, type PluginServer } from './server.js';

export interface DockerPluginOptions {
  socketPath: string;
  /** dockerd's API socket, for the containers' names. */
  dockerSocket: string;
  controller: Controller;
  sweepMs?: number;
}

export async function startDockerPlugin(opts: DockerPluginOptions): Promise<PluginServer> {
  const { controller } = opts;
  const driver = new PluginNetworkDriver({
    controller,
    moveToHost: (netns, ifname, newName) => moveLink(netns, ifname, process.pid, newName),
    containerName: dockerNames(opts.dockerSocket),
    dockerNetwork: dockerNetworks(opts.dockerSocket),
    dockerNetworks: dockerPluginNetworks(opts.dockerSocket, path.basename(opts.socketPath, '.sock')),
  });
  const bySubnet = (subnet: string) => controller.listNetworks().find((n) => n.IPAM.Config?.some((c) => c.Subnet === subnet));
  const subnetsOf = (plugin: boolean) =>
    controller
      .listNetworks()
      .filter((n) => !!n.Labels?.[DOCKER_NETWORK_LABEL] === plugin)
      .flatMap((n) => (n.IPAM.Config ?? []).map((c) => c.Subnet ?? ''))
      .filter(Boolean);
  const ipam = new PluginIpam({
    async usedSubnets() {
      const routes = (await controller.hostInfo()).routes.map((r) => r.dst).filter((d) => d && d !== 'default' && d.includes('/'));
      return [...subnetsOf(false), ...routes];
    },
    pluginSubnets: () => subnetsOf(true),
    heldAddresses(subnet) {
      const net = bySubnet(subnet);
      if (!net) return [];
      const gateways = (net.IPAM.Config ?? []).map((c) => c.Gateway ?? '').filter(Boolean);
      return [...gateways, ...Object.values(net.Containers ?? {}).map((c) => c.IPv4Address)];
    },
    globalGateway(subnet) {
      const net = bySubnet(subnet);
      return net?.Scope === 'global' ? (net.IPAM.Config?.[0]?.Gateway ?? '') : undefined;
    },
    async reserve(subnet, ip) {
      const net = bySubnet(subnet);
      return net?.Scope === 'global' ? controller.reserveAddress(net.Id, ip) : undefined;
    },
    async release(subnet, ip) {
      const net = bySubnet(subnet);
      if (net?.Scope === 'global') await controller.releaseAddress(net.Id, ip);
    },
  });
  const sweep = () => driver.reconcile().catch((err) => log('warn', 'docker plugin: sweep failed', { error: String(err) }));
  await sweep();
  const timer = setInterval(sweep, opts.sweepMs ?? 5000);
  timer.unref();
  const server = await startPluginServer(opts.socketPath, pluginHandlers(driver, ipam));
  log('info', 'docker plugin ready', { socket: opts.socketPath });
  return {
    async close() {
      clearInterval(timer);
      await server.close();
    },
  };
}
