// The extension's integration tests inside the real extension host: code-server with the
// smoke-test driver loads the extension from the repository and runs suite/index.ts (bundled
// here), against a real cnmd in a test namespace. Prints the suite's `N passed, N failed`.
import { build } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchBrowser, log, ROOT, startCnmd, startCodeServer, type CodeServer, type Cnmd } from './lib.js';

const PORT = Number(process.env.PORT ?? 8931);

async function main(): Promise<number> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-suite-'));
  await build({ entryPoints: [path.join(__dirname, 'suite/index.ts')], outfile: path.join(out, 'suite.js'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'warning' });
  let cnmd: Cnmd | undefined;
  let cs: CodeServer | undefined;
  let browser: any;
  try {
    cnmd = await startCnmd('ext');
    cs = await startCodeServer({ port: PORT, smokeTestDriver: true, env: { CNM_HOST: `unix://${cnmd.socket}` } });
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const noise = /^\[(AgentHost|ChatModelSelection|AccountPolicyGate|Service Worker|reconnection-grace-time)|open-vsx\.org|authentication provider 'github'|^(Resolv|Creating a socket|Updating additional builtin)|^\s+at /;
    let summary = '';
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const line = require('node:util').format(...args);
      if (/^\d+ passed, \d+ failed/.test(line)) summary = line;
      else if (process.env.VERBOSE || /^\s+(ok|FAIL) - |^\s{6}\S/.test(line) || !noise.test(line) && /cnm|Error/.test(line)) console.log(line);
    });
    const exitCode = new Promise<number>((resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)));
    const remote = (p: string) => `vscode-remote://127.0.0.1:${PORT}${p}`;
    const payload = JSON.stringify([['extensionDevelopmentPath', remote(ROOT)], ['extensionTestsPath', remote(path.join(out, 'suite.js'))], ['skipWelcome', 'true']]);
    await page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(cs.workspace)}&payload=${encodeURIComponent(payload)}`);
    log('workbench loading');
    const timeout = new Promise<number>((r) => setTimeout(() => r(2), 180000).unref());
    const code = await Promise.race([exitCode, timeout]);
    log(`extension host exited ${code}`);
    console.log(summary || (code === 0 ? '0 passed, 0 failed' : '0 passed, 1 failed'));
    return code;
  } finally {
    await browser?.close().catch(() => undefined);
    cs?.stop();
    await cnmd?.stop();
    fs.rmSync(out, { recursive: true, force: true });
  }
}

main().then(
  (code) => setTimeout(() => process.exit(code), 500),
  (e) => {
    console.error('harness error:', e);
    console.log('0 passed, 1 failed');
    setTimeout(() => process.exit(2), 500);
  },
);
