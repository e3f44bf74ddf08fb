// cnmd's command line. Several cnmd can run on one machine (one per test "host" namespace), so
// every path is a flag.
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
}

// The documented paths (README, the unit `cnm install` writes).
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
  };
  if (argv[0] === 'cleanup') {
    flags.command = 'cleanup';
    argv = argv.slice(1);
  }
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
  return flags;
}
