// A real one-member etcd 3.4 (Debian's etcd-server) for the cluster tests: a child process of the
// test, on the host's loopback (free ports) or on an address inside a namespace the test made, with
// its data in a temp dir; with `tls`, clients must present a certificate signed by the test CA
// (etcd's --client-cert-auth). stop() keeps the data so start() brings the same store back;
// destroy() stops it and deletes the data. Nothing outlives the test.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestPki } from './certs.js';
import { sh } from './host.js';

export const ETCD = '/usr/bin/etcd';
export const etcdMissing = fs.existsSync(ETCD)
  ? false
  : 'etcd-server is not installed (apt-get install etcd-server; scripts/setup.sh does)';

/** A port nothing listens on right now (loopback mode). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export class TestEtcd {
  private proc: ChildProcess | undefined;
  private log = '';
  readonly dataDir: string;

  private constructor(
    readonly ip: string,
    readonly port: number,
    private readonly peerPort: number,
    private readonly netns?: string,
    private readonly tls?: TestPki,
  ) {
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-etcd-'));
  }

  /** On 127.0.0.1 (no netns) or on `ip` inside `netns` (which must hold that address). */
  static async create(opts: { netns?: string; ip?: string; tls?: TestPki } = {}): Promise<TestEtcd> {
    const e = opts.netns
      ? new TestEtcd(opts.ip!, 2379, 2380, opts.netns, opts.tls)
      : new TestEtcd('127.0.0.1', await freePort(), await freePort(), undefined, opts.tls);
    try {
      await e.start();
    } catch (err) {
      await e.destroy();
      throw err;
    }
    return e;
  }

  get url(): string {
    return `etcd://${this.ip}:${this.port}`;
  }

  get endpoint(): string {
    return `${this.tls ? 'https' : 'http'}://${this.ip}:${this.port}`;
  }

  async start(): Promise<void> {
    const peer = `http://127.0.0.1:${this.peerPort}`;
    const args = [
      ...['--name', 'cnmtest', '--data-dir', this.dataDir],
      ...['--listen-client-urls', this.endpoint, '--advertise-client-urls', this.endpoint],
      ...['--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `cnmtest=${peer}`],
      ...(this.tls
        ? ['--cert-file', this.tls.serverCert, '--key-file', this.tls.serverKey, '--trusted-ca-file', this.tls.ca, '--client-cert-auth']
        : []),
    ];
    // nsenter execs etcd in place: the child is etcd itself, so killing it leaves nothing behind.
    this.proc = this.netns ? spawn('nsenter', [`--net=/run/netns/${this.netns}`, ETCD, ...args]) : spawn(ETCD, args);
    this.proc.stdout!.on('data', (d) => (this.log += d));
    this.proc.stderr!.on('data', (d) => (this.log += d));
    for (let i = 0; i < 100; i++) {
      if (this.proc.exitCode !== null) throw new Error(`etcd exited with ${this.proc.exitCode}: ${this.log.slice(-2000)}`);
      if (this.healthy()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`etcd did not answer at ${this.endpoint} within 20 s: ${this.log.slice(-2000)}`);
  }

  private healthy(): boolean {
    const t = this.tls;
    const certs = t ? ['--cacert', t.ca, '--cert', t.clientCert, '--key', t.clientKey] : [];
    const curl = ['curl', '-fsS', '--max-time', '1', ...certs, `${this.endpoint}/health`];
    const r = this.netns ? sh('ip', ['netns', 'exec', this.netns, ...curl]) : sh(curl[0]!, curl.slice(1));
    return r.code === 0 && r.stdout.includes('"health":"true"');
  }

  /** Stops etcd (SIGTERM, SIGKILL after 5 s); the data stays for the next start(). */
  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  async destroy(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
