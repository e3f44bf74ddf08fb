// The extension's integration tests inside the real extension host: code-server with the
// smoke-test driver loads the extension from the repository and runs suite/index.ts (bundled
// here). Two scenarios, each in its own code-server: "main" against a real cnmd in a test
// namespace, "install" on a host namespace without cnmd (Install Helper). Prints `N passed, N failed, N skipped`.
import { build } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  isolatedHost,
  launchBrowser,
  log,
  ROOT,
  startCnmd,
  startCodeServer,
  type CodeServer,
  type CodeServerOptions,
  type Cnmd,
} from './lib.js';

const PORT = Number(process.env.PORT ?? 8931);

interface Scenario {
  name: string;
  /** Brings up what the extension host needs; returns its env, code-server options and a clean-up. */
  setup(): Promise<{ env: Record<string, string>; cs?: Partial<CodeServerOptions>; stop(): Promise<void> | void }>;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'main',
    async setup() {
      const cnmd: Cnmd = await startCnmd('ext');
      return { env: { CNM_HOST: `unix://${cnmd.socket}` }, stop: () => cnmd.stop() };
    },
  },
  {
    // a host namespace without cnmd; code-server listens on a unix socket, which crosses namespaces
    name: 'install',
    async setup() {
      const host = isolatedHost('inst');
      log(`host without cnmd: netns ${host.ns}`);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-cs-sock-'));
      const stop = () => {
        host.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      };
      return { env: { CNM_HOST: '' }, cs: { wrap: host.wrap, socket: path.join(dir, 'cs.sock') }, stop };
    },
  },
];

/** One run of the bundled suite in a fresh code-server; resolves with the suite's summary and exit code. */
async function runScenario(sc: Scenario, suite: string, port: number): Promise<{ summary: string; code: number }> {
  let cs: CodeServer | undefined;
  let browser: any;
  const up = await sc.setup();
  try {
    cs = await startCodeServer({ port, smokeTestDriver: true, env: { ...up.env, CNM_E2E_SCENARIO: sc.name }, ...up.cs });
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const noise =
      /^\[(AgentHost|ChatModelSelection|AccountPolicyGate|Service Worker|reconnection-grace-time)|open-vsx\.org|authentication provider 'github'|^(Resolv|Creating a socket|Updating additional builtin)|^\s+at /;
    let summary = '';
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const line = require('node:util').format(...args);
      if (/^\d+ passed, \d+ failed/.test(line)) summary = line;
      else if (process.env.VERBOSE || /^\s+(ok|FAIL|SKIP) - |^\s{6}\S/.test(line) || (!noise.test(line) && /cnm|Error/.test(line)))
        console.log(line);
    });
    const exitCode = new Promise<number>((resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)));
    const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(suite)],
      ['skipWelcome', 'true'],
    ]);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(cs.workspace)}&payload=${encodeURIComponent(payload)}`);
    log(`[${sc.name}] workbench loading`);
    const timeout = new Promise<number>((r) => setTimeout(() => r(2), 240000).unref());
    const code = await Promise.race([exitCode, timeout]);
    log(`[${sc.name}] extension host exited ${code}`);
    return { summary: summary || (code === 0 ? '0 passed, 0 failed' : '0 passed, 1 failed'), code };
  } finally {
    await browser?.close().catch(() => undefined);
    cs?.stop();
    await new Promise((r) => setTimeout(r, 1000)); // code-server's group gone before the namespace goes
    await up.stop();
  }
}

async function main(): Promise<number> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-suite-'));
  await build({
    entryPoints: [path.join(__dirname, 'suite/index.ts')],
    outfile: path.join(out, 'suite.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  const totals = { passed: 0, failed: 0, skipped: 0 };
  let worst = 0;
  try {
    for (const [i, sc] of SCENARIOS.entries()) {
      const r = await runScenario(sc, path.join(out, 'suite.js'), PORT + 2 * i).catch((e) => {
        console.error(`[${sc.name}] harness error:`, e);
        return { summary: '0 passed, 1 failed', code: 2 };
      });
      console.log(`[${sc.name}] ${r.summary}`);
      const [p, f, s] = (/^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(r.summary) ?? []).slice(1).map((x) => Number(x ?? 0));
      totals.passed += p;
      totals.failed += f || (r.code ? 1 : 0);
      totals.skipped += s;
      worst = Math.max(worst, r.code);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return worst;
}

main().then(
  (code) => setTimeout(() => process.exit(code), 500),
  (e) => {
    console.error('harness error:', e);
    console.log('0 passed, 1 failed');
    setTimeout(() => process.exit(2), 500);
  },
);
