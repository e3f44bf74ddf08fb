// Runs the bundled extension suite (suite/index.ts) inside code-server's real extension host, one
// code-server per scenario: code-server with the smoke-test driver loads the extension from the
// repository and runs the suite with CNM_E2E_SCENARIO set; a headless Chromium opens the workbench
// and relays the suite's log and exit code. Used by ext-tests.ts and cluster.ts.
import { build } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchBrowser, log, ROOT, startCodeServer, type CodeServer, type CodeServerOptions } from './lib.js';

export interface Scenario {
  name: string;
  /** Brings up what the extension host needs; returns its env, code-server options and a clean-up. */
  setup(): Promise<{ env: Record<string, string>; cs?: Partial<CodeServerOptions>; stop(): Promise<void> | void }>;
}

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
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(cs.workspace)}&payload=${encodeURIComponent(payload)}`, {
      timeout: 180000,
    });
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

/**
 * Bundles suite/index.ts once and runs it in a fresh code-server per scenario (ports `port`, `port`+2, …);
 * prints each scenario's summary and the totals. Resolves with the worst exit code.
 */
export async function runScenarios(scenarios: Scenario[], port: number): Promise<number> {
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
    for (const [i, sc] of scenarios.entries()) {
      const r = await runScenario(sc, path.join(out, 'suite.js'), port + 2 * i).catch((e) => {
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

/** The end of a harness's process: the exit code after output is flushed; `0 passed, 1 failed` on a crash. */
export function finish(run: Promise<number>): void {
  run.then(
    (code) => setTimeout(() => process.exit(code), 500),
    (e) => {
      console.error('harness error:', e);
      console.log('0 passed, 1 failed');
      setTimeout(() => process.exit(2), 500);
    },
  );
}
