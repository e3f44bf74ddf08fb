// "Install Helper on This Host…": the cnmd bundled in the .vsix, installed with the extension
// host's own Node through `cnm install` (systemd unit, group cnm, cnmd started), in a terminal so
// sudo can ask for a password. Also the version check behind the status bar's upgrade offer.
import type { DockerInfo } from '../../model/docker.js';
import { DEFAULT_HOST } from '../../transport/hostUrl.js';
import type { Reachability } from './state.js';

export interface InstallHost {
  platform: NodeJS.Platform;
  isRoot: boolean;
  /** The extension's own version (package.json), which its bundled cnmd carries too. */
  extensionVersion: string;
  /** The extension host is Electron (desktop VS Code): its binary runs scripts only as Node with ELECTRON_RUN_AS_NODE. */
  electron?: boolean;
}

const DEFAULT_SOCKET = DEFAULT_HOST.slice('unix://'.length);

function quote(s: string): string {
  return `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
}

/**
 * The shell line the terminal runs: `sudo "<node>" "<ext>/dist/cnm.js" install` (no sudo as root),
 * with `--socket` when the extension connects to another socket than cnmd's default.
 */
export function installCommandLine(
  node: string,
  cliJs: string,
  host: Pick<InstallHost, 'isRoot' | 'electron'>,
  socket = DEFAULT_SOCKET,
): string {
  const env = host.electron ? 'ELECTRON_RUN_AS_NODE=1 ' : '';
  const where = socket === DEFAULT_SOCKET ? '' : ` --socket ${quote(socket)}`;
  return `${host.isRoot ? env : `sudo ${env}`}${quote(node)} ${quote(cliJs)} install${where}`;
}

/** Why this host cannot take the bundled helper, or undefined when it can. */
export function cannotInstall(host: InstallHost, targetKind: 'unix' | 'ssh'): string | undefined {
  if (host.platform !== 'linux')
    return `cnmd runs on Linux only; this extension host runs on ${host.platform}. Open a Linux machine (e.g. with Remote-SSH) and install it there.`;
  if (targetKind === 'ssh')
    return 'The connection is ssh://: install the helper on that machine (open it with Remote-SSH and run this command there), or switch to a local socket.';
  return undefined;
}

/** The helper's version: cnm's part of /info, else /version from a cnmd; undefined for a Docker engine. */
export function helperVersion(r: Reachability, info: DockerInfo | undefined): string | undefined {
  if (r.state !== 'connected') return undefined;
  return info?.Cnm?.version ?? (r.platform === 'cnmd' ? r.version : undefined);
}

/** The helper's version when it differs from the extension's (the upgrade offer), else undefined. */
export function versionMismatch(extensionVersion: string, r: Reachability, info: DockerInfo | undefined): string | undefined {
  const v = helperVersion(r, info);
  return v && v !== extensionVersion ? v : undefined;
}
