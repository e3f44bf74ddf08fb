// cnm info: the relevant part of `docker info` (server version, kernel, network plugins) plus what
// cnmd found at start: the kernel features present and, for each absent one, what is missing.
import type { DockerInfo } from '../../model/docker.js';
import { KERNEL_FEATURES, missingFeatureMessage, type KernelFeature } from '../../model/features.js';
import { FORMAT_FLAG } from './inspect.js';
import { parseTemplate, render } from './template.js';
import type { Verb } from './verb.js';
import { CLI_VERSION } from './version.js';

export function renderInfo(info: DockerInfo, host: string): string {
  const lines = [
    'Client:',
    ` Version:    ${CLI_VERSION}`,
    ` Host:       ${host}`,
    '',
    'Server:',
    ` Server Version: ${info.ServerVersion}`,
    ` Operating System: ${info.OperatingSystem}`,
    ` OSType: ${info.OSType}`,
    ` Architecture: ${info.Architecture}`,
    ` Kernel Version: ${info.KernelVersion}`,
    ` CPUs: ${info.NCPU}`,
    ` Name: ${info.Name}`,
    ' Plugins:',
    `  Network: ${info.Plugins.Network.join(' ')}`,
  ];
  const cluster = info.Cnm?.cluster;
  if (cluster) {
    lines.push(` Cluster Store: ${cluster.store}`, `  State: ${cluster.state} (since ${cluster.since})`);
    if (cluster.lastError) lines.push(`  Last Error: ${cluster.lastError}`);
  }
  const kernel = info.Cnm?.kernel;
  if (kernel) {
    const names = Object.keys(KERNEL_FEATURES) as KernelFeature[];
    const absent = names.filter((f) => !kernel[f]);
    lines.push(' Kernel Features:', `  Present: ${names.filter((f) => kernel[f]).join(' ') || 'none'}`);
    if (absent.length) lines.push(`  Absent: ${absent.join(' ')}`, ...absent.map((f) => `   ${f}: ${missingFeatureMessage(f)}`));
  }
  return lines.join('\n') + '\n';
}

export const verb: Verb = {
  usage: '',
  summary: "Display cnmd's version, drivers and the host's kernel features",
  args: [0, 0],
  flags: [FORMAT_FLAG],
  async run(args, { io, client }) {
    const format = args.string('format');
    const template = format ? parseTemplate(format) : undefined;
    const info = await client.info();
    io.stdout(template ? render(template, info) + '\n' : renderInfo(info, client.host));
    return 0;
  },
};
