import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Server, utils } from 'ssh2';
import { DockerodeClient } from './dockerClient.js';
import { FakeClient } from './fakeClient.js';
import { serveFake } from './fakeDaemon.js';
import { parseHostUrl } from '../../transport/hostUrl.js';
import { openTunnel } from '../../transport/sshTunnel.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-ssh-test-'));
const cleanup: Array<() => void> = [() => fs.rmSync(dir, { recursive: true, force: true })];
after(() => cleanup.reverse().forEach((f) => f()));

const hostKey = utils.generateKeyPairSync('ed25519');
const userKey = utils.generateKeyPairSync('ed25519');
const hostPub = (utils.parseKey(hostKey.public) as { getPublicSSH(): Buffer }).getPublicSSH();
const userPub = (utils.parseKey(userKey.public) as { getPublicSSH(): Buffer }).getPublicSSH();

/** An ssh server that accepts userKey and forwards streamlocal channels to the unix socket asked for. */
function startSshServer(): Promise<number> {
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on('authentication', (ctx) => {
      if (ctx.method === 'publickey' && ctx.key.data.equals(userPub)) return ctx.accept();
      ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('openssh.streamlocal', (accept, _reject, info) => {
        const channel = accept();
        const sock = net.connect(info.socketPath);
        channel.pipe(sock).pipe(channel);
      });
    });
    client.on('error', () => undefined);
  });
  cleanup.push(() => server.close());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

test('ssh:// tunnels dockerode to the remote socket, with key auth and host-key checking', async () => {
  const remoteSock = path.join(dir, 'remote.sock');
  const daemon = await serveFake(new FakeClient(), remoteSock);
  cleanup.push(() => daemon.close());
  const port = await startSshServer();
  fs.writeFileSync(path.join(dir, 'id_test'), userKey.private, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'config'), `Host testbox\n  HostName 127.0.0.1\n  IdentityFile ${path.join(dir, 'id_test')}\n`);
  const target = parseHostUrl(`ssh://tester@testbox:${port}${remoteSock}`);
  assert.equal(target.kind, 'ssh');
  if (target.kind !== 'ssh') return;
  const env = { home: dir, localUser: 'tester', configPath: path.join(dir, 'config'), knownHostsPath: path.join(dir, 'known_hosts') };

  fs.writeFileSync(env.knownHostsPath, '');
  await assert.rejects(openTunnel(target, env), /not in known_hosts/);

  fs.writeFileSync(env.knownHostsPath, `[127.0.0.1]:${port} ssh-ed25519 ${hostPub.toString('base64')}\n`);
  const tunnel = await openTunnel(target, env);
  cleanup.push(() => tunnel.close());
  const client = new DockerodeClient(tunnel.socketPath);
  assert.equal((await client.version()).Version, '0.1.0');
  const names = (await client.listNetworks()).map((n) => n.Name).sort();
  assert.deepEqual(names, ['bridge', 'host', 'none']);
  assert.deepEqual((await client.info())?.Plugins.Network, ['bridge', 'host', 'null']);
});
