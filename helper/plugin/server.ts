// cnmd as a Docker plugin (`cnmd --docker-plugin`): libnetwork's remote network driver and IPAM
// protocol on a unix socket under /run/docker/plugins/ (the socket's name is the driver's name).
// Every call is a POST with a JSON body; success is a JSON object, failure {"Err": "..."}.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PLUGIN_CONTENT_TYPE } from '../../model/plugin.js';
import type {
  CreateEndpointRequest,
  CreateNetworkRequest,
  JoinRequest,
  RequestAddressRequest,
  RequestPoolRequest,
} from '../../model/plugin.js';
import { CnmError } from '../errors.js';
import { log } from '../log.js';
import type { PluginIpam } from './ipam.js';
import type { PluginNetworkDriver } from './network.js';

export const DEFAULT_PLUGIN_SOCKET = '/run/docker/plugins/cnm.sock';

type Body = Record<string, unknown>;
type Handler = (body: Body) => unknown;

export function pluginHandlers(driver: PluginNetworkDriver, ipam: PluginIpam): Record<string, Handler> {
  const empty = () => ({});
  return {
    '/Plugin.Activate': () => ({ Implements: ['NetworkDriver', 'IpamDriver'] }),
    '/NetworkDriver.GetCapabilities': () => driver.capabilities(),
    '/NetworkDriver.CreateNetwork': async (b) => (await driver.createNetwork(b as unknown as CreateNetworkRequest), {}),
    '/NetworkDriver.DeleteNetwork': async (b) => (await driver.deleteNetwork(String(b.NetworkID)), {}),
    '/NetworkDriver.CreateEndpoint': (b) => driver.createEndpoint(b as unknown as CreateEndpointRequest),
    '/NetworkDriver.EndpointOperInfo': (b) => driver.endpointInfo(String(b.EndpointID)),
    '/NetworkDriver.DeleteEndpoint': async (b) => (await driver.deleteEndpoint(String(b.EndpointID)), {}),
    '/NetworkDriver.Join': (b) => driver.join(b as unknown as JoinRequest),
    // Docker moves the interface back out and then deletes the endpoint: nothing to do in between.
    '/NetworkDriver.Leave': empty,
    '/NetworkDriver.ProgramExternalConnectivity': empty,
    '/NetworkDriver.RevokeExternalConnectivity': empty,
    '/NetworkDriver.DiscoverNew': empty,
    '/NetworkDriver.DiscoverDelete': empty,
    '/IpamDriver.GetCapabilities': () => ipam.capabilities(),
    '/IpamDriver.GetDefaultAddressSpaces': () => ipam.defaultAddressSpaces(),
    '/IpamDriver.RequestPool': (b) => ipam.requestPool(b as unknown as RequestPoolRequest),
    '/IpamDriver.ReleasePool': (b) => (ipam.releasePool(String(b.PoolID)), {}),
    '/IpamDriver.RequestAddress': (b) => ipam.requestAddress(b as unknown as RequestAddressRequest),
    '/IpamDriver.ReleaseAddress': async (b) => (await ipam.releaseAddress({ PoolID: String(b.PoolID), Address: String(b.Address) }), {}),
  };
}

export interface PluginServer {
  close(): Promise<void>;
}

export async function startPluginServer(socketPath: string, handlers: Record<string, Handler>): Promise<PluginServer> {
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => void answer(req.url ?? '', text, res));
  });
  const answer = async (url: string, text: string, res: http.ServerResponse) => {
    const handler: Handler | undefined = Object.hasOwn(handlers, url) ? handlers[url] : undefined;
    let status = 200;
    let body: unknown;
    try {
      if (!handler) {
        status = 404;
        throw new CnmError('not-found', `cnm plugin: no such call ${url}`);
      }
      body = await handler(text.trim() ? (JSON.parse(text) as Body) : {});
    } catch (err) {
      if (status === 200) status = 500;
      body = { Err: err instanceof Error ? err.message : String(err) };
      log('warn', 'docker plugin call failed', { call: url, error: err instanceof CnmError ? err.detail() : String(err) });
    }
    log('debug', 'docker plugin call', { call: url, status });
    const out = JSON.stringify(body ?? {});
    res.writeHead(status, { 'Content-Type': PLUGIN_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(out) });
    res.end(out);
  };
  fs.mkdirSync(path.dirname(socketPath), { recursive: true });
  fs.rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  // Only dockerd (root) talks to it: it creates and removes networks and moves interfaces.
  fs.chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        fs.rmSync(socketPath, { force: true });
      }),
  };
}
