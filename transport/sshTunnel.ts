// ssh:// connections: one SSH session (ssh2) and a local unix socket whose every connection is
// forwarded to the remote cnmd socket (openssh's streamlocal channel), so dockerode and the
// event stream use a plain socketPath, exactly as for a local daemon.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, utils, type AnyAuthMethod, type ConnectConfig } from 'ssh2';
import type { HostTarget } from './hostUrl.js';
import { lookupSshConfig } from './sshConfig.js';
import { checkHostKey, knownHostsName } from './knownHosts.js';

export interface SshEnv {
  home: string;
  agentSocket?: string;
  /** Overrides for tests; default ~/.ssh/config and ~/.ssh/known_hosts. */
  configPath?: string;
  knownHostsPath?: string;
  localUser: string;
  /** Called when the SSH session ends after it was up. */
  onClose?(): void;
}

export interface Tunnel {
  socketPath: string;
  close(): void;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

function readIfExists(p: string): string {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

/** Auth methods in OpenSSH's order: the agent, then each unencrypted key file that exists. */
function authMethods(username: string, identityFiles: string[], env: SshEnv): AnyAuthMethod[] {
  const methods: AnyAuthMethod[] = [];
  if (env.agentSocket) methods.push({ type: 'agent', username, agent: env.agentSocket });
  for (const file of identityFiles) {
    const text = readIfExists(file);
    if (!text) continue;
    const parsed = utils.parseKey(text);
    if (parsed instanceof Error) continue; // encrypted or unreadable: the agent has to supply it
    methods.push({ type: 'publickey', username, key: text });
  }
  return methods;
}

export function sshConnectConfig(t: Extract<HostTarget, { kind: 'ssh' }>, env: SshEnv): { config: ConnectConfig; describe: string } {
  const cfg = lookupSshConfig(readIfExists(env.configPath ?? path.join(env.home, '.ssh', 'config')), t.host, env.home);
  const host = cfg.hostName ?? t.host;
  const port = t.port ?? cfg.port ?? 22;
  const username = t.user ?? cfg.user ?? env.localUser;
  const keys = cfg.identityFiles.length ? cfg.identityFiles : DEFAULT_KEYS.map((k) => path.join(env.home, '.ssh', k));
  const knownHostsPath = env.knownHostsPath ?? path.join(env.home, '.ssh', 'known_hosts');
  const methods = authMethods(username, keys, env);
  return {
    describe: `${username}@${host}:${port}`,
    config: {
      host,
      port,
      username,
      authHandler: methods,
      readyTimeout: 15000,
      keepaliveInterval: 15000,
      hostVerifier: (key: Buffer) => checkHostKey(readIfExists(knownHostsPath), host, port, key) === 'trusted',
    },
  };
}

export function openTunnel(t: Extract<HostTarget, { kind: 'ssh' }>, env: SshEnv): Promise<Tunnel> {
  const { config, describe } = sshConnectConfig(t, env);
  const conn = new Client();
  const socketPath = path.join(os.tmpdir(), `cnm-ssh-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  const server = net.createServer((local) => {
    conn.openssh_forwardOutStreamLocal(t.socketPath, (err, remote) => {
      if (err) return local.destroy(err);
      local.pipe(remote).pipe(local);
      local.on('error', () => remote.destroy());
      remote.on('error', () => local.destroy());
      local.on('close', () => remote.destroy());
    });
  });
  const close = () => {
    server.close();
    conn.end();
    fs.rmSync(socketPath, { force: true });
  };
  return new Promise((resolve, reject) => {
    conn.once('ready', () => {
      conn.once('close', () => {
        close();
        env.onClose?.();
      });
      server.listen(socketPath, () => {
        fs.chmodSync(socketPath, 0o600); // the tunnel carries the remote user's rights: keep it private
        resolve({ socketPath, close });
      });
    });
    conn.once('error', (err: Error & { level?: string }) => {
      close();
      const why = /verification failed/i.test(err.message)
        ? `host key of ${knownHostsName(String(config.host), Number(config.port))} is not in known_hosts (or changed); connect once with ssh to add it`
        : err.message;
      reject(new Error(`ssh ${describe}: ${why}`));
    });
    conn.connect(config);
  });
}
