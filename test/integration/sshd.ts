// A real sshd (Debian's openssh-server) on 127.0.0.1 inside a test host's namespace, with its own
// host key and a client key pair, for `cnm -H ssh://` (tests and bench/plugin.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { CNM, mustSh, sh, type TestHost } from './host.js';
import { until } from './wait.js';

/** sshd on 127.0.0.1 inside the test host's namespace, with its own host key and a client key. */
export class SshPeer {
  private constructor(
    private readonly host: TestHost,
    readonly dir: string,
    readonly port: number,
    private readonly proc: ReturnType<typeof spawn>,
  ) {}

  static async start(h: TestHost): Promise<SshPeer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-sshd-'));
    const port = 2200 + (process.pid % 1000);
    mustSh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
    fs.mkdirSync(path.join(dir, 'home', '.ssh'), { recursive: true });
    const key = path.join(dir, 'home', '.ssh', 'id_ed25519');
    mustSh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    fs.copyFileSync(`${key}.pub`, path.join(dir, 'authorized_keys'));
    const hostPub = fs.readFileSync(path.join(dir, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    fs.writeFileSync(path.join(dir, 'home', '.ssh', 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
    fs.writeFileSync(
      path.join(dir, 'sshd_config'),
      [
        `ListenAddress 127.0.0.1:${port}`,
        `HostKey ${dir}/host_key`,
        `AuthorizedKeysFile ${dir}/authorized_keys`,
        `PidFile ${dir}/sshd.pid`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'AllowStreamLocalForwarding yes',
      ].join('\n') + '\n',
    );
    fs.mkdirSync('/run/sshd', { recursive: true }); // its privilege-separation directory
    const proc = spawn('nsenter', [`--net=/run/netns/${h.ns}`, '/usr/sbin/sshd', '-D', '-e', '-f', path.join(dir, 'sshd_config')], {
      stdio: 'ignore',
    });
    const peer = new SshPeer(h, dir, port, proc);
    await until('sshd to listen', () => h.inHost('ss', '-ltn', `sport = :${port}`).stdout.includes(`127.0.0.1:${port}`));
    return peer;
  }

  /** The CLI inside the host's namespace (the only place 127.0.0.1:port is), HOME = the client's keys. */
  cli(url: string, ...args: string[]) {
    return sh('ip', ['netns', 'exec', this.host.ns, process.execPath, CNM, '-H', url, ...args], {
      env: { ...process.env, HOME: path.join(this.dir, 'home'), SSH_AUTH_SOCK: '' },
      input: 'over ssh\n',
    });
  }

  stop(): void {
    this.proc.kill('SIGTERM');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
