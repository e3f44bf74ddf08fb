// Where the extension connects: the `cnm.host` setting, else CNM_HOST, else the local cnmd socket.
// unix:///path and ssh://user@host[:port][/socket] are the two forms (Docker's DOCKER_HOST spelling).

export const DEFAULT_HOST = 'unix:///run/cnmd/cnmd.sock';
/** Where cnmd listens on a remote machine when an ssh:// URL names no socket path. */
export const DEFAULT_REMOTE_SOCKET = '/run/cnmd/cnmd.sock';

export type HostTarget =
  | { kind: 'unix'; url: string; socketPath: string }
  | { kind: 'ssh'; url: string; user?: string; host: string; port?: number; socketPath: string };

export function resolveHostUrl(setting: string | undefined, env: NodeJS.ProcessEnv): string {
  return setting?.trim() || env.CNM_HOST?.trim() || DEFAULT_HOST;
}

/** Parses a host URL; throws an Error whose message is fit to show a user. */
export function parseHostUrl(url: string): HostTarget {
  if (url.startsWith('/')) return { kind: 'unix', url: `unix://${url}`, socketPath: url };
  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new Error(`"${url}": a unix socket path must be absolute (unix:///path)`);
    return { kind: 'unix', url, socketPath };
  }
  if (url.startsWith('ssh://')) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new Error(`"${url}" is not a valid ssh:// URL`);
    }
    if (!u.hostname) throw new Error(`"${url}" names no host`);
    return {
      kind: 'ssh',
      url,
      user: u.username ? decodeURIComponent(u.username) : undefined,
      host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: u.port ? Number(u.port) : undefined,
      socketPath: u.pathname && u.pathname !== '/' ? decodeURIComponent(u.pathname) : DEFAULT_REMOTE_SOCKET,
    };
  }
  throw new Error(`"${url}": use unix:///path/to/socket or ssh://user@host[:port][/path/to/socket]`);
}

/** Short text for the status bar and the Networks view's root node. */
export function hostLabel(t: HostTarget): string {
  if (t.kind === 'unix') return t.socketPath;
  return `${t.user ? t.user + '@' : ''}${t.host}${t.port ? ':' + t.port : ''}`;
}

/** Shorter still, for the Networks view's connection row: it must fit the default sidebar width. */
export function hostShortLabel(t: HostTarget): string {
  return t.kind === 'unix' ? (t.url === DEFAULT_HOST ? 'local cnmd' : `local ${t.socketPath.split('/').pop()}`) : hostLabel(t);
}
