// cnmd's command line. Several cnmd can run on one machine (one per test "host" namespace), so
// every path is a flag.
import { checkHostName } from '../cluster/keys.js';
import {
  parseAdvertise,
  parseClusterStore,
  parseClusterStoreOpt,
  withStoreOpts,
  type Advertise,
  type ClusterStoreOpts,
  type ClusterStoreUrl,
} from '../cluster/options.js';

export interface DaemonFlags {
  /** serve (the daemon) or cleanup (remove everything this instance made, then exit). */
  command: 'serve' | 'cleanup';
  socket: string;
  stateDir: string;
  runDir: string;
  /** The host's resolver configuration: upstreams for the embedded DNS and the default bridge. */
  resolvConf: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Group owning the API socket (mode 0660), when that group exists. */
  group: string;
  /** cleanup: list what would be removed, change nothing. */
  dryRun: boolean;
  /** cleanup: stop a cnmd running on this state dir first (SIGTERM) instead of refusing. */
  stop: boolean;
  /** --cluster-store: join the cluster whose state lives in this etcd (TLS with --cluster-store-opt). */
  clusterStore?: ClusterStoreUrl;
  /** --cluster-advertise: the address other hosts reach this one at (required with a cluster store). */
  clusterAdvertise?: Advertise;
  /** --cluster-name: this host's name in the cluster (default: the hostname). */
  clusterName?: string;
  /** --docker-plugin[=SOCKET]: serve libnetwork's remote driver + IPAM protocol on this socket. */
  dockerPlugin?: string;
  /** --docker-host: dockerd's API socket (containers' names for plugin endpoints). */
  dockerHost: string;
  /** -H tcp://HOST:PORT with --tlsverify: also serve the API on TCP, mutual TLS only. */
  tcp?: { host: string; port: number; tlsCaCert: string; tlsCert: string; tlsKey: string };
}

// The documented paths (README, the unit `cnm install` writes).
export const DEFAULT_PLUGIN_SOCKET = '/run/docker/plugins/cnm.sock';
export const DEFAULT_SOCKET = '/run/cnmd/cnmd.sock';
export const DEFAULT_STATE_DIR = '/var/lib/cnmd';
export const DEFAULT_RUN_DIR = '/run/cnmd';

/** Exit status of a cnmd whose start-up check found a runtime need missing (the unit does not restart it). */
export const PREFLIGHT_EXIT = 3;

export const USAGE = `Usage: cnmd [OPTIONS]
       cnmd cleanup [--dry-run] [--stop] [OPTIONS]

The cnm daemon: Docker's Container Network Model on this host, served on a unix socket.
'cnmd cleanup' removes every kernel object and file this instance (its state dir) made: links
aliased cnm:*, its sandbox namespaces and /etc/netns folders, the nftables table inet cnm, the
state dir, the run dir and the socket. Run it in the network namespace cnmd ran in.

Options:
      --socket PATH      API socket (default /run/cnmd/cnmd.sock)
      --state-dir DIR    durable state: store journal and snapshot (default /var/lib/cnmd)
      --run-dir DIR      runtime files (default /run/cnmd)
      --resolv-conf PATH upstream resolvers for sandboxes (default /etc/resolv.conf)
      --group NAME       group owning the socket, mode 0660, if it exists (default cnm)
      --log-level LEVEL  debug, info, warn (default) or error
      --cluster-store etcd://HOST:2379[,HOST:2379...]
                         join a cluster whose state lives in this etcd (v3 API)
      --cluster-store-opt kv.cacertfile|kv.certfile|kv.keyfile=PATH
                         TLS to etcd (repeat the flag): the CA of etcd's certificate, and
                         this host's client certificate and key (etcd's --client-cert-auth)
      --cluster-advertise IP|IFACE[:PORT]
                         the address other hosts reach this one at (needed with --cluster-store)
      --cluster-name NAME
                         this host's name in the cluster (default: the hostname)
      --docker-plugin[=SOCKET]
                         also be Docker's network and IPAM plugin "cnm" on SOCKET
                         (default /run/docker/plugins/cnm.sock; the file name is the driver name)
      --docker-host PATH dockerd's socket, for plugin containers' names (default /run/docker.sock)
  -H, --host tcp://HOST:PORT
                         also serve the API on TCP; needs --tlsverify and the three files below
                         (unix://PATH is the same as --socket PATH)
      --tlsverify        TCP clients must present a certificate signed by --tlscacert
      --tlscacert PATH   CA that signs the client certificates
      --tlscert PATH     cnmd's certificate
      --tlskey PATH      cnmd's private key
      --dry-run          cleanup: list what would be removed, change nothing
      --stop             cleanup: stop the cnmd running on this state dir first
  -h, --help             print this help
  -v, --version          print the version
`;

export function parseFlags(argv: string[]): DaemonFlags | 'help' | 'version' {
  const flags: DaemonFlags = {
    command: 'serve',
    socket: DEFAULT_SOCKET,
    stateDir: DEFAULT_STATE_DIR,
    runDir: DEFAULT_RUN_DIR,
    resolvConf: '/etc/resolv.conf',
    group: 'cnm',
    dryRun: false,
    stop: false,
    dockerHost: '/run/docker.sock',
  };
  if (argv[0] === 'cleanup') {
    flags.command = 'cleanup';
    argv = argv.slice(1);
  }
  let tcp: string | undefined;
  let tlsVerify = false;
  const tls: { ca?: string; cert?: string; key?: string } = {};
  const storeOpts: ClusterStoreOpts = {};
  for (let i = 0; i < argv.length; i++) {
    const [arg, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`flag needs an argument: ${arg}`);
      return v;
    };
    switch (arg) {
      case '-h':
      case '--help':
        return 'help';
      case '-v':
      case '--version':
        return 'version';
      case '--socket':
        flags.socket = value();
        break;
      case '--state-dir':
        flags.stateDir = value();
        break;
      case '--run-dir':
        flags.runDir = value();
        break;
      case '--resolv-conf':
        flags.resolvConf = value();
        break;
      case '--group':
        flags.group = value();
        break;
      case '--dry-run':
      case '--stop':
        if (flags.command !== 'cleanup') throw new Error(`${arg} is a flag of 'cnmd cleanup'`);
        flags[arg === '--stop' ? 'stop' : 'dryRun'] = true;
        break;
      case '--docker-plugin':
        flags.dockerPlugin = inline ?? DEFAULT_PLUGIN_SOCKET;
        if (!flags.dockerPlugin.endsWith('.sock'))
          throw new Error(`flag --docker-plugin: ${flags.dockerPlugin} must be a socket path ending in .sock`);
        break;
      case '--docker-host':
        flags.dockerHost = value().replace(/^unix:\/\//, '');
        break;
      case '--cluster-store':
        flags.clusterStore = parseClusterStore(value());
        break;
      case '--cluster-advertise':
        flags.clusterAdvertise = parseAdvertise(value());
        break;
      case '--cluster-name':
        try {
          flags.clusterName = checkHostName(value());
        } catch (err) {
          throw new Error(`flag --cluster-name: ${(err as Error).message}`);
        }
        break;
      case '--cluster-store-opt':
        parseClusterStoreOpt(value(), storeOpts);
        break;
      case '-H':
      case '--host': {
        const v = value();
        if (v.startsWith('unix://')) flags.socket = v.slice('unix://'.length);
        else if (v.startsWith('tcp://')) tcp = v;
        else throw new Error(`invalid value "${v}" for flag ${arg}: use tcp://HOST:PORT or unix://PATH`);
        break;
      }
      case '--tlsverify':
        tlsVerify = true;
        break;
      case '--tlscacert':
        tls.ca = value();
        break;
      case '--tlscert':
        tls.cert = value();
        break;
      case '--tlskey':
        tls.key = value();
        break;
      case '--log-level': {
        const v = value();
        if (!['debug', 'info', 'warn', 'error'].includes(v))
          throw new Error(`invalid value "${v}" for flag --log-level: use debug, info, warn or error`);
        flags.logLevel = v as DaemonFlags['logLevel'];
        break;
      }
      default:
        throw new Error(`unknown flag: ${arg}`);
    }
  }
  if (tcp) flags.tcp = tcpListener(tcp, tlsVerify, tls);
  else if (tlsVerify || tls.ca || tls.cert || tls.key)
    throw new Error('flags --tlsverify, --tlscacert, --tlscert and --tlskey need -H tcp://HOST:PORT');
  flags.clusterStore = withStoreOpts(flags.clusterStore, storeOpts);
  if (flags.clusterStore && !flags.clusterAdvertise)
    throw new Error('flag --cluster-store needs --cluster-advertise IP|IFACE[:PORT]: the address other hosts reach this one at');
  if (!flags.clusterStore && (flags.clusterAdvertise || flags.clusterName))
    throw new Error(`flag ${flags.clusterAdvertise ? '--cluster-advertise' : '--cluster-name'} needs --cluster-store etcd://HOST:2379`);
  return flags;
}

/**
 * A TCP listener is mutual TLS or nothing: anyone reaching the port could otherwise change this
 * host's networks as root (dockerd's plain -H tcp:// is the mistake not to copy).
 */
function tcpListener(url: string, verify: boolean, tls: { ca?: string; cert?: string; key?: string }): DaemonFlags['tcp'] {
  const m = /^tcp:\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]+):(\d{1,5})\/?$/.exec(url);
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65535) throw new Error(`invalid value "${url}" for flag -H: use tcp://HOST:PORT (port 1-65535)`);
  if (!verify || !tls.ca || !tls.cert || !tls.key) {
    throw new Error(
      `flag -H ${url}: cnmd listens on TCP only with mutual TLS: add --tlsverify --tlscacert CA.pem --tlscert CERT.pem --tlskey KEY.pem (missing: ${[
        !verify && '--tlsverify',
        !tls.ca && '--tlscacert',
        !tls.cert && '--tlscert',
        !tls.key && '--tlskey',
      ]
        .filter(Boolean)
        .join(', ')})`,
    );
  }
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port, tlsCaCert: tls.ca, tlsCert: tls.cert, tlsKey: tls.key };
}
