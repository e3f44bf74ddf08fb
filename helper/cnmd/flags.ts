// cnmd's command line. Several cnmd can run on one machine (one per test "host" namespace), so
// every path is a flag.
export interface DaemonFlags {
  socket: string;
  stateDir: string;
  runDir: string;
  /** The host's resolver configuration: upstreams for the embedded DNS and the default bridge. */
  resolvConf: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export const USAGE = `Usage: cnmd [OPTIONS]

The cnm daemon: Docker's Container Network Model on this host, served on a unix socket.

Options:
      --socket PATH      API socket (default /run/cnmd/cnmd.sock)
      --state-dir DIR    durable state: store journal and snapshot (default /var/lib/cnmd)
      --run-dir DIR      runtime files (default /run/cnmd)
      --resolv-conf PATH upstream resolvers for sandboxes (default /etc/resolv.conf)
      --log-level LEVEL  debug, info, warn (default) or error
  -h, --help             print this help
  -v, --version          print the version
`;

export function parseFlags(argv: string[]): DaemonFlags | 'help' | 'version' {
  const flags: DaemonFlags = { socket: '/run/cnmd/cnmd.sock', stateDir: '/var/lib/cnmd', runDir: '/run/cnmd', resolvConf: '/etc/resolv.conf' };
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
      case '--log-level': {
        const v = value();
        if (!['debug', 'info', 'warn', 'error'].includes(v)) throw new Error(`invalid value "${v}" for flag --log-level: use debug, info, warn or error`);
        flags.logLevel = v as DaemonFlags['logLevel'];
        break;
      }
      default:
        throw new Error(`unknown flag: ${arg}`);
    }
  }
  return flags;
}
