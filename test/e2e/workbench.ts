// What the UI scenarios (ui.ts, diagnose.ts) share: the run (`uiScenario`: .vsix, cnmd, code-server,
// Chromium, clean-up) and the workbench page (`workbench`: numbered steps with a screenshot on
// failure, quick-input answers, the command palette, a row's context menu).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CS_BIN, launchBrowser, log, NODE24, ROOT, startCnmd, startCodeServer, type Cnmd, type CodeServer } from './lib.js';

export function workbench(page: any, outDir: string) {
  const counts = { passed: 0, failed: 0 };
  const shot = (name: string) => page.screenshot({ path: path.join(outDir, `${name}.png`) });
  const step = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
      counts.passed++;
      log(`ok - ${name}`);
    } catch (e) {
      counts.failed++;
      log(`FAIL - ${name}: ${(e as Error).message.split('\n')[0]}`);
      await shot(`FAIL-${name.replace(/\W+/g, '_')}`).catch(() => undefined);
      throw e;
    }
  };
  const quick = page.locator('.quick-input-widget');
  /** Answers the quick input whose title shows `title` (waiting for it, as steps replace each other). */
  const answer = async (text: string, title?: string) => {
    if (title) await quick.locator('.quick-input-title', { hasText: title }).waitFor({ timeout: 10000 });
    const input = quick.locator('input').first();
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    await input.press('Enter');
  };
  const palette = async (title: string) => {
    await page.keyboard.press('F1');
    await answer(`>${title}`);
  };
  const contextMenu = async (target: any, action: string) => {
    const item = page.locator('.context-view .action-label', { hasText: action }).first();
    // A right-click can land while the tree redraws the row (events arrive in bursts) and open
    // nothing: open it again, at most three times.
    for (let attempt = 1; ; attempt++) {
      await target.click({ button: 'right' });
      if (
        await item.waitFor({ timeout: 10000 }).then(
          () => true,
          () => false,
        )
      )
        break;
      if (attempt === 3) throw new Error(`the context menu never offered "${action}"`);
      await page.keyboard.press('Escape');
    }
    // a click right after the menu opens is sometimes swallowed: click again while it stays open
    const menu = page.locator('.context-view .monaco-menu');
    for (let i = 0; i < 3; i++) {
      if (!(await menu.isVisible())) break;
      await item.click({ timeout: 2000 }).catch(() => undefined);
      await menu.waitFor({ state: 'hidden', timeout: 1500 }).catch(() => undefined);
    }
  };
  return { counts, shot, step, quick, answer, palette, contextMenu };
}

export interface ScenarioContext {
  page: any;
  /** cnmd's socket. */
  sock: string;
  cnmd: Cnmd;
  /** code-server's workspace folder. */
  workspace: string;
  wb: ReturnType<typeof workbench>;
}

/**
 * One UI scenario: the packaged .vsix installed into a fresh code-server, a real cnmd (`setup` runs
 * before code-server starts), headless Chromium; everything stopped and removed at the end, also on
 * failure. Prints `N passed, N failed`; resolves the exit code.
 */
export async function uiScenario(o: {
  tag: string;
  port: number;
  outDir: string;
  setup?: (cnmd: Cnmd) => Promise<void>;
  /** VS Code user settings on top of lib.ts's. */
  settings?: Record<string, unknown>;
  body: (ctx: ScenarioContext) => Promise<void>;
}): Promise<number> {
  const vsix = process.env.VSIX ?? path.join(ROOT, 'dist/cnm.vsix');
  fs.mkdirSync(o.outDir, { recursive: true });
  const extDir = fs.mkdtempSync(path.join(os.tmpdir(), `cnm-${o.tag}-ext-`));
  const cfgDir = fs.mkdtempSync(path.join(os.tmpdir(), `cnm-${o.tag}-cfg-`));
  execFileSync(CS_BIN, ['--config', path.join(cfgDir, 'config.yaml'), '--extensions-dir', extDir, '--install-extension', vsix], {
    env: { ...process.env, PATH: `${NODE24}:${process.env.PATH}` },
    stdio: 'pipe',
  });
  log(`installed ${path.basename(vsix)} (${(fs.statSync(vsix).size / 1024 / 1024).toFixed(2)} MB)`);
  let cnmd: Cnmd | undefined;
  let cs: CodeServer | undefined;
  let browser: any;
  let counts = { passed: 0, failed: 0 };
  try {
    cnmd = await startCnmd(o.tag);
    await o.setup?.(cnmd);
    cs = await startCodeServer({
      port: o.port,
      smokeTestDriver: false,
      extensionsDir: extDir,
      env: { CNM_HOST: `unix://${cnmd.socket}` },
      settings: o.settings,
      logPath: path.join(o.outDir, 'code-server.log'),
    });
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const wb = workbench(page, o.outDir);
    counts = wb.counts;
    await o.body({ page, sock: cnmd.socket, cnmd, workspace: cs.workspace, wb });
  } catch (e) {
    if (!counts.failed) counts.failed++;
    console.error(e);
  } finally {
    await browser?.close().catch(() => undefined);
    cs?.stop();
    await cnmd?.stop();
    fs.rmSync(extDir, { recursive: true, force: true });
    fs.rmSync(cfgDir, { recursive: true, force: true });
  }
  console.log(`${counts.passed} passed, ${counts.failed} failed`);
  return counts.failed ? 1 : 0;
}
