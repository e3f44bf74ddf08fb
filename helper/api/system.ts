// /_ping, /version and /info: what the docker CLI and dockerode need to negotiate API 1.41, and in
// /info's `Cnm` field what this cnmd can do (its drivers, the kernel features it found at start).
import os from 'node:os';
import type { KernelFeatures } from '../../model/cnm.js';
import type { DockerInfo, DockerVersion } from '../../model/docker.js';
import type { Controller } from '../core/controller.js';
import { sendJson, sendText } from './http.js';
import { CnmError } from '../errors.js';

const NO_SWARM = 'This node is not part of a swarm';
import { API_VERSION, MIN_API_VERSION, type Route } from './router.js';

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };

export function versionInfo(version: string): DockerVersion {
  const details = {
    ApiVersion: API_VERSION,
    Arch: ARCH[process.arch] ?? process.arch,
    BuildTime: '',
    Experimental: 'false',
    GitCommit: '',
    GoVersion: `node${process.versions.node}`,
    KernelVersion: os.release(),
    MinAPIVersion: MIN_API_VERSION,
    Os: 'linux',
  };
  return {
    Platform: { Name: 'cnmd' },
    Components: [{ Name: 'Engine', Version: version, Details: details }],
    Version: version,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: '',
    GoVersion: details.GoVersion,
    Os: 'linux',
    Arch: details.Arch,
    KernelVersion: details.KernelVersion,
    BuildTime: '',
  };
}

export function systemRoutes(version: string, controller: Controller, kernel: KernelFeatures): Route[] {
  // Computed once: these answers never change while the daemon runs.
  const versionJson = versionInfo(version);
  const drivers = controller.driverNames();
  const info: DockerInfo = {
    Name: os.hostname(),
    ServerVersion: version,
    OperatingSystem: 'cnmd',
    OSType: 'linux',
    Architecture: os.machine(), // uname -m, as Docker reports it (x86_64, aarch64)
    KernelVersion: os.release(),
    NCPU: os.cpus().length,
    MemTotal: os.totalmem(),
    Plugins: { Network: drivers, Volume: [], Log: [] },
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    Cnm: { version, drivers, kernel },
  };
  const ping =
    (head: boolean): Route['handle'] =>
    ({ res }) => {
      res.setHeader('Cache-Control', 'no-cache, no-store, must-revalidate');
      res.setHeader('Pragma', 'no-cache');
      sendText(res, 200, 'OK', head);
    };
  return [
    { method: 'GET', path: '/_ping', handle: ping(false) },
    { method: 'HEAD', path: '/_ping', handle: ping(true) },
    { method: 'GET', path: '/version', handle: ({ res }) => sendJson(res, 200, versionJson) },
    // Docker's answers on a node outside a swarm (docker-py's test teardown leaves the swarm).
    ...['/swarm', '/swarm/leave', '/swarm/unlockkey'].map((path): Route => ({
      method: path === '/swarm/leave' ? 'POST' : 'GET',
      path,
      handle: () => {
        throw new CnmError('unavailable', NO_SWARM);
      },
    })),
    {
      method: 'GET',
      path: '/info',
      // The cluster store's health changes while cnmd runs; the rest was computed once.
      handle: ({ res }) => {
        const cluster = controller.clusterHealth();
        sendJson(res, 200, cluster ? { ...info, Cnm: { ...info.Cnm, cluster } } : info);
      },
    },
  ];
}
