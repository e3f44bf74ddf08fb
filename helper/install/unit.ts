// The systemd unit `cnm install` writes for cnmd (pure: text in, text out; unit-tested).
import path from 'node:path';

export const UNIT_NAME = 'cnmd.service';

export interface InstallPaths {
  /** Where the unit file goes (systemd reads /etc/systemd/system). */
  unitDir: string;
  stateDir: string;
  runDir: string;
  socket: string;
  /** Group owning the socket. */
  group: string;
}

export interface UnitSpec extends InstallPaths {
  /** The Node.js binary that runs cnmd (the one running the CLI). */
  node: string;
  /** dist/cnmd.js next to the running cnm.js. */
  cnmd: string;
  /** Whether `cnm install` created the group (so `cnm uninstall` removes it, and only then). */
  createdGroup: boolean;
  /** `node` is an Electron binary (desktop VS Code's extension host ran the install): run it as Node. */
  electron?: boolean;
}

export const unitPath = (p: Pick<InstallPaths, 'unitDir'>): string => path.join(p.unitDir, UNIT_NAME);

/** cnmd's command line, the same for the unit's ExecStart and a direct start without systemd. */
export function cnmdArgv(s: Omit<UnitSpec, 'unitDir' | 'createdGroup'>): string[] {
  return [s.node, s.cnmd, '--socket', s.socket, '--state-dir', s.stateDir, '--run-dir', s.runDir, '--group', s.group];
}

/** systemd's command-line quoting: double quotes around words with spaces, quotes or backslashes. */
function quote(word: string): string {
  return /[\s"'\\]/.test(word) ? `"${word.replace(/[\\"]/g, (c) => `\\${c}`)}"` : word;
}

const RECORD = /^# cnm-install: created-group=(\S+)$/m;

export function renderUnit(s: UnitSpec): string {
  return `# Written by \`cnm install\`; \`cnm uninstall\` removes it.
${s.createdGroup ? `# cnm-install: created-group=${s.group}\n` : ''}[Unit]
Description=cnm daemon: Docker's Container Network Model on this host
After=network.target

[Service]
Type=simple
${s.electron ? 'Environment=ELECTRON_RUN_AS_NODE=1\n' : ''}ExecStart=${cnmdArgv(s).map(quote).join(' ')}
# 3: a runtime need is missing (cnmd names the Debian package or kernel module); restarting cannot help.
Restart=on-failure
RestartPreventExitStatus=3
RestartSec=2
# No PrivateMounts=, PrivateTmp=, ProtectSystem=, ProtectHome=, PrivateNetwork= or
# NetworkNamespacePath=: each gives cnmd its own mount or network namespace, and then the sandbox
# namespaces it bind-mounts under /run/netns, its /etc/netns files and the links it makes would be
# invisible to the host (ip netns, cnm exec, the other tools that must see them).

[Install]
WantedBy=multi-user.target
`;
}

/** The words of an ExecStart line, undoing `quote`. */
function unquote(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!));
}

/** The paths and group an installed unit runs cnmd with (uninstall/cleanup default to them). */
export function pathsOfUnit(unitText: string): Partial<Omit<InstallPaths, 'unitDir'>> {
  const line = /^ExecStart=(.*)$/m.exec(unitText)?.[1];
  if (!line) return {};
  const words = unquote(line);
  const after = (flag: string) => {
    const i = words.indexOf(flag);
    return i >= 0 ? words[i + 1] : undefined;
  };
  return { socket: after('--socket'), stateDir: after('--state-dir'), runDir: after('--run-dir'), group: after('--group') };
}

/** The group `cnm install` created, as recorded in the unit it wrote; undefined if none. */
export function createdGroupOf(unitText: string): string | undefined {
  return RECORD.exec(unitText)?.[1];
}
