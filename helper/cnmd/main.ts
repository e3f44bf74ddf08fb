// cnmd: wires the store, IPAM, kernel, name service and API together, then serves until signalled.
import fs from 'node:fs';
import os from 'node:os';
import { createSecureContext } from 'node:tls';
import type { Cluster } from '../cluster/cluster.js';
import { checkHostName } from '../cluster/keys.js';
import { resolveAdvertise, type ClusterCredentials, type ClusterStoreTls, type ClusterStoreUrl } from '../cluster/options.js';
import type { ClusterHostRecord } from '../../model/cnm.js';
import { Core } from '../core/core.js';
import { createRegistry } from '../drivers/index.js';
import { startApiServer, type TlsListener } from '../api/server.js';
import { ExecManager } from '../exec/manager.js';
import { startDockerPlugin } from '../plugin/index.js';
import { containerLister, containerResolver, DEFAULT_ENGINES } from '../adopt/engines.js';
import { watchAdopted } from '../adopt/watch.js';
import { JournalStore } from '../store/journal.js';
import { DefaultIpam } from '../ipam/ipam.js';
import { Netlink } from '../kernel/netlink/netlink.js';
import { peerCredentials } from '../kernel/peercred/peercred.js';
import { Firewall } from '../kernel/nftables/nft.js';
import { enableForwarding } from '../kernel/sysctl.js';
import { SandboxFiles } from '../sandbox/files.js';
import { log, setLogLevel } from '../log.js';
import { CnmError } from '../errors.js';
import { cleanup } from './cleanup.js';
import { startDiagnose } from './diagnose.js';
import { PREFLIGHT_EXIT, USAGE, parseFlags, type DaemonFlags } from './flags.js';
import { hostPrefixes } from './host-prefixes.js';
import { DnsNameService } from './name-service.js';
import { netnsPrefixFor } from './ownership.js';
import { preflight } from './preflight.js';

export const VERSION = '0.1.0';

async function main(): Promise<void> {
  let flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`cnmd: ${(err as Error).message}\nSee 'cnmd --help'.\n`);
    process.exit(1);
  }
  if (flags === 'help') return void process.stdout.write(USAGE);
  if (flags === 'version') return void process.stdout.write(`cnmd version ${VERSION}\n`);
  if (flags.logLevel) setLogLevel(flags.logLevel);
  if (flags.command === 'cleanup') return cleanup(flags, (line) => process.stdout.write(`${line}\n`));
  // Checked before anything is opened: a bad advertise interface or host name changes nothing.
  let self: ClusterHostRecord | undefined;
  let credentials: ClusterCredentials | undefined;
  try {
    self = flags.clusterStore ? clusterSelf(flags) : undefined;
    credentials = flags.clusterStore?.tls && clusterCredentials(flags.clusterStore.tls);
  } catch (err) {
    process.stderr.write(`cnmd: ${(err as Error).message}\n`);
    process.exit(1);
  }

  let tls: TlsListener | undefined;
  try {
    tls = flags.tcp && tlsFiles(flags.tcp);
  } catch (err) {
    process.stderr.write(`cnmd: ${(err as Error).message}\n`);
    process.exit(1);
  }

  // The probe runs alongside the store's opening; nothing touches the kernel before it answered.
  const checked = preflight();
  fs.mkdirSync(flags.runDir, { recursive: true });
  // Waits for the probe on failure too: it removes its namespace before cnmd exits.
  const store = await JournalStore.open(flags.stateDir).catch(async (err) => {
    await checked;
    throw err;
  });
  const { features, fatal, absent, probeMs } = await checked;
  if (fatal.length) {
    await store.close();
    process.stderr.write(`cnmd: cannot start:\n${fatal.map((m) => `  ${m}\n`).join('')}`);
    process.exit(PREFLIGHT_EXIT);
  }
  log('info', 'kernel features checked', { ms: Math.round(probeMs), absent: absent.join('; ') || 'none' });
  const host = Netlink.forCurrent();
  enableForwarding(false);
  const names = new DnsNameService(flags.resolvConf);
  const cluster = self ? await joinCluster(flags.clusterStore!, self, credentials) : undefined;
  const netnsPrefix = netnsPrefixFor(flags.stateDir);
  const core = await Core.start({
    store,
    ipam: new DefaultIpam(() => hostPrefixes(host)),
    host,
    firewall: Firewall.forCurrent(),
    files: new SandboxFiles(),
    names,
    drivers: createRegistry({ host, netnsPrefix, vtep: self?.address }),
    // The instance tag keeps the namespaces of several cnmd on one machine apart.
    netnsPrefix,
    openNetns: (p) => Netlink.inNetns(p),
    cluster,
    containers: containerResolver(DEFAULT_ENGINES(flags.dockerHost)),
    global: cluster?.globals,
  });
  // After re-adoption: from here on, damage done from outside is repaired as the kernel reports it.
  core.startHealing();
  const adopted = watchAdopted(core);
  const diagnose = await startDiagnose(core, host);
  const api = await startApiServer({
    socketPath: flags.socket,
    socketGroup: flags.group,
    controller: core,
    version: VERSION,
    kernel: features,
    exec: new ExecManager((idOrName) => core.inspectSandbox(idOrName)),
    containers: containerLister(DEFAULT_ENGINES(flags.dockerHost)),
    peerCredentials,
    tls,
    diagnostics: diagnose.diagnostics,
  });
  const plugin = flags.dockerPlugin
    ? await startDockerPlugin({ socketPath: flags.dockerPlugin, dockerSocket: flags.dockerHost, controller: core })
    : undefined;
  // The last line of defence once serving: a request, a packet or a timer whose error escaped its
  // own handling is logged and cnmd keeps going (the systemd unit restarts it only if it exits).
  // Before this point a failure still stops cnmd with its message.
  process.on('uncaughtException', (err) => log('error', 'uncaught exception', { error: String(err?.stack ?? err) }));
  process.on('unhandledRejection', (err) => log('error', 'unhandled rejection', { error: String((err as Error)?.stack ?? err) }));
  log('info', 'cnmd ready', { socket: flags.socket, stateDir: flags.stateDir, tcp: tls && `${tls.host}:${api.tlsPort}` });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('info', 'cnmd stopping', { signal });
    adopted.stop();
    await plugin?.close();
    await api.close();
    diagnose.close();
    // Revoking the lease tells the other hosts at once that this one left.
    await cluster?.close();
    await names.close();
    await core.close();
    await store.close();
    host.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** The TLS listener with its files read (a missing or unreadable file stops cnmd before it opens anything). */
function tlsFiles(t: NonNullable<DaemonFlags['tcp']>): TlsListener {
  return {
    host: t.host,
    port: t.port,
    ca: read('--tlscacert', t.tlsCaCert),
    cert: read('--tlscert', t.tlsCert),
    key: read('--tlskey', t.tlsKey),
  };
}

/** A file a flag names, read at start; the error names the flag and the file. */
function read(flag: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(`flag ${flag}: cannot read ${file}: ${(err as Error).message}`);
  }
}

/**
 * --cluster-store-opt's files, read and checked now (PEM that parses, a key that matches its
 * certificate): a bad file stops cnmd with its name instead of leaving the store unreachable.
 */
function clusterCredentials(tls: ClusterStoreTls): ClusterCredentials {
  const opt = (key: string, file: string) => read(`--cluster-store-opt ${key}=${file}`, file);
  const c: ClusterCredentials = { rootCertificate: opt('kv.cacertfile', tls.cacertfile) };
  if (tls.certfile && tls.keyfile) {
    c.certChain = opt('kv.certfile', tls.certfile);
    c.privateKey = opt('kv.keyfile', tls.keyfile);
  }
  try {
    createSecureContext({ ca: c.rootCertificate, cert: c.certChain, key: c.privateKey });
  } catch (err) {
    const files = [`kv.cacertfile=${tls.cacertfile}`, ...(c.certChain ? [`kv.certfile=${tls.certfile}`, `kv.keyfile=${tls.keyfile}`] : [])];
    throw new Error(`flag --cluster-store-opt: ${files.join(' ')}: ${(err as Error).message}`);
  }
  return c;
}

/** What this host registers: its name, the advertise address (an interface resolved now), its version. */
function clusterSelf(flags: DaemonFlags): ClusterHostRecord {
  const name = checkHostName(flags.clusterName ?? os.hostname());
  return { name, address: resolveAdvertise(flags.clusterAdvertise!), port: flags.clusterAdvertise!.port, version: VERSION };
}

/** Registers this host in the cluster store (in the background: etcd may be down). */
async function joinCluster(url: ClusterStoreUrl, self: ClusterHostRecord, credentials?: ClusterCredentials): Promise<Cluster> {
  log('info', 'joining cluster', { store: url.text, name: self.name, address: self.address, tls: String(!!credentials) });
  // Loaded only here: a stand-alone cnmd never pays for loading gRPC. The .vsix's bundled cnmd does
  // not carry the etcd3 package (it reads its .proto files at run time, so it is not bundled).
  const { Cluster } = await import('../cluster/cluster.js').catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException)?.code !== 'MODULE_NOT_FOUND') throw err;
    throw new CnmError(
      'invalid',
      `--cluster-store needs the etcd3 package, which this cnmd build lacks (${(err as Error).message.split('\n')[0]}): run cnmd from a checkout after npm ci`,
      { call: 'cluster store' },
    );
  });
  return Cluster.start({ url, self, credentials });
}

main().catch((err) => {
  const msg = err instanceof CnmError ? err.detail() : err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`cnmd: ${msg}\n`);
  process.exit(1);
});
