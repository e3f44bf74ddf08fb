// "Install Helper on This Host…": the cnmd bundled in the .vsix, installed with the extension
// host's own Node through `cnm install` (systemd unit, group cnm, cnmd started), in a terminal so
// sudo can ask for a password. Also the version check behind the status bar's upgrade offer.
import type { DockerInfo } from '../../model/docker.js';
import type { Reachability } from './state.js';

export interface InstallHost {
  platform: NodeJS.Platform;
  isRoot: boolean;
  /** The extension's own version (package.json), which its bundled cnmd carries too. */
  extensionVersion: string;
}

function quote(s: string): string {
  return `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
}

/** The shell line the terminal runs: `sudo "<node>" "<ext>/dist/cnm.js" install --yes` (no sudo as root). */
export function installCommandLine(node: string, cliJs: string, isRoot: boolean): string {
  return `${isRoot ? '' : 'sudo '}${quote(node)} ${quote(cliJs)} install --yes`;
}

/** Why this host cannot take the bundled helper, or undefined when it can. */
export function cannotInstall(host: InstallHost, targetKind: 'unix' | 'ssh'): string | undefined {
  if (host.platform !== 'linux') return `cnmd runs on Linux only; this extension host runs on ${host.platform}. Open a Linux machine (e.g. with Remote-SSH) and install it there.`;
  if (targetKind === 'ssh') return 'The connection is ssh://: install the helper on that machine (open it with Remote-SSH and run this command there), or switch to a local socket.';
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
