// The diagnose scenario in a real VS Code: the packaged .vsix in code-server, a real cnmd in a test
// namespace, headless Chromium: a network with a host route overlapping it shows a warning icon;
// "Why Can't … Reach …?" from a sandbox row opens the panel with the chain and the kernel's verdict;
// the reachability matrix of a network and of the whole host, a click on a cell opens that pair's
// chain. Screenshots: test-results/e2e-diagnose/ (artefacts of the run, not committed).
//   node --import tsx test/e2e/diagnose.ts   (after `npm run package`; PORT from UI_PORT, default 8934)
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CS_BIN, launchBrowser, log, NODE24, request, ROOT, startCnmd, startCodeServer, type Cnmd, type CodeServer } from './lib.js';

const PORT = Number(process.env.UI_PORT ?? 8934);
const OUT = path.join(ROOT, 'test-results/e2e-diagnose');
const VSIX = process.env.VSIX ?? path.join(ROOT, 'dist/cnm.vsix');

async function api(sock: string, method: string, p: string, body?: unknown): Promise<any> {
  const r = await request(sock, method, p, body);
  if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function main(): Promise<number> {
  fs.mkdirSync(OUT, { recursive: true });
  const extDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-dg-ext-'));
  const cfgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-dg-cfg-'));
  execFileSync(CS_BIN, ['--config', path.join(cfgDir, 'config.yaml'), '--extensions-dir', extDir, '--install-extension', VSIX], {
    env: { ...process.env, PATH: `${NODE24}:${process.env.PATH}` },
    stdio: 'pipe',
  });
  let cnmd: Cnmd | undefined;
  let cs: CodeServer | undefined;
  let browser: any;
  let passed = 0;
  let failed = 0;
  try {
    cnmd = await startCnmd('diag');
    const sock = cnmd.socket;
    await api(sock, 'POST', '/networks/create', { Name: 'dg-front', IPAM: { Config: [{ Subnet: '10.73.1.0/24' }] } });
    await api(sock, 'POST', '/networks/create', { Name: 'dg-back', IPAM: { Config: [{ Subnet: '10.73.2.0/24' }] } });
    for (const [name, net] of [
      ['dg-a', 'dg-front'],
      ['dg-b', 'dg-front'],
      ['dg-c', 'dg-back'],
    ])
      await api(sock, 'POST', '/cnm/sandboxes/create', { Name: name, Network: net });
    // A stand-in for a VPN's tun0 in the test host's namespace, with a route overlapping dg-back.
    for (const args of [
      ['link', 'add', 'dgvpn0', 'type', 'veth', 'peer', 'name', 'dgvpn1'],
      ['link', 'set', 'dgvpn0', 'up'],
      ['route', 'add', '10.73.2.128/25', 'dev', 'dgvpn0'],
    ])
      execFileSync('ip', ['-n', cnmd.ns, ...args]);

    cs = await startCodeServer({
      port: PORT,
      smokeTestDriver: false,
      extensionsDir: extDir,
      env: { CNM_HOST: `unix://${sock}` },
      logPath: path.join(OUT, 'code-server.log'),
    });
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const shot = (name: string) => page.screenshot({ path: path.join(OUT, `${name}.png`) });
    const step = async (name: string, fn: () => Promise<void>) => {
      try {
        await fn();
        passed++;
        log(`ok - ${name}`);
      } catch (e) {
        failed++;
        log(`FAIL - ${name}: ${(e as Error).message.split('\n')[0]}`);
        await shot(`FAIL-${name.replace(/\W+/g, '_')}`).catch(() => undefined);
        throw e;
      }
    };
    const pane = (title: RegExp) => page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) });
    const networks = pane(/^\s*Networks/);
    const sandboxes = pane(/^\s*Sandboxes/);
    const row = (view: any, text: string) => view.locator('.monaco-list-row', { hasText: text }).first();
    const quick = page.locator('.quick-input-widget');
    const answer = async (text: string, title?: string) => {
      if (title) await quick.locator('.quick-input-title', { hasText: title }).waitFor({ timeout: 10000 });
      const input = quick.locator('input').first();
      await input.waitFor({ state: 'visible' });
      await input.fill(text);
      await input.press('Enter');
    };
    const contextMenu = async (target: any, action: string) => {
      await target.click({ button: 'right' });
      const item = page.locator('.context-view .action-label', { hasText: action }).first();
      await item.waitFor();
      const menu = page.locator('.context-view .monaco-menu');
      for (let i = 0; i < 3; i++) {
        if (!(await menu.isVisible())) break;
        await item.click({ timeout: 2000 }).catch(() => undefined);
        await menu.waitFor({ state: 'hidden', timeout: 1500 }).catch(() => undefined);
      }
    };
    /** The one open webview's document (editors are closed between steps, so there is one). */
    const webview = () => page.frameLocator('iframe.webview').frameLocator('#active-frame');
    /** Closes every editor tab by its close button (a webview holding the focus swallows F1). */
    const closeEditors = async () => {
      const tabs = page.locator('.tabs-container .tab');
      for (let i = 0; i < 10 && (await tabs.count()); i++) {
        await tabs.first().hover();
        await tabs.first().locator('.tab-actions .action-label').first().click({ timeout: 5000 });
      }
      await page.locator('iframe.webview').first().waitFor({ state: 'detached', timeout: 10000 });
    };

    // The tooltip's text (naming the route) is checked in extension/core/diagnose.test.ts: headless
    // Chromium does not raise the workbench's delayed tree hovers reliably.
    await step('workbench opens; dg-back (a host route overlaps it) carries the warning icon, dg-front not', async () => {
      // The machine is shared: the first load can take long.
      await page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(cs!.workspace)}`, { timeout: 180000 });
      await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 90000 });
      await page.locator('.activitybar .action-item a.action-label[aria-label^="Container Networks"]').click({ timeout: 60000 });
      await row(networks, 'dg-back').locator('.codicon-warning').waitFor({ timeout: 30000 });
      if (await row(networks, 'dg-front').locator('.codicon-warning').count()) throw new Error('dg-front marked without a conflict');
      await shot('01-conflict-warning');
    });
    await step("Why Can't … Reach …? from dg-a to dg-c: unreachable, no shared network, the kernel agrees", async () => {
      await row(sandboxes, 'dg-a').waitFor({ timeout: 20000 });
      await contextMenu(row(sandboxes, 'dg-a'), 'Why Can');
      await answer('dg-c', "Why can't dg-a reach");
      await answer('Ping (ICMP)', 'dg-a → dg-c');
      await page.locator('.tabs-container .tab', { hasText: 'Why: dg-a → dg-c' }).waitFor({ timeout: 20000 });
      const verdict = await webview().locator('#verdict').innerText({ timeout: 20000 });
      if (verdict.trim() !== 'Unreachable') throw new Error(`verdict ${verdict}`);
      const chain = await webview().locator('#chain').innerText();
      if (!/dg-a is on dg-front, dg-c on dg-back: no network in common/.test(chain)) throw new Error(`chain: ${chain}`);
      if (!/cnm network connect dg-back dg-a/.test(chain)) throw new Error(`no fix in: ${chain}`);
      if (!/10\.73\.2\.128\/25 on dgvpn0/.test(chain)) throw new Error(`the conflict is not in the chain: ${chain}`);
      await webview().locator('#agreement.agree').waitFor();
      await shot('02-why-panel');
      await closeEditors();
    });
    await step('Reachability matrix of dg-front: a green grid, the reason on hover, a click opens the chain', async () => {
      await contextMenu(row(networks, 'dg-front'), 'Reachability Matrix');
      await page.locator('.tabs-container .tab', { hasText: 'Reachability: network dg-front' }).waitFor({ timeout: 20000 });
      const grid = webview().locator('#matrix');
      await grid.waitFor({ timeout: 20000 });
      const green = await grid.locator('td.reachable').count();
      if (green !== 2) throw new Error(`${green} reachable cells, want 2`);
      const title = await grid.locator('td[data-from="dg-a"][data-to="dg-b"]').getAttribute('title');
      if (!/^dg-a → dg-b \(10\.73\.1\.\d+\): ok — reachable · kernel: reachable$/.test(title ?? '')) throw new Error(`hover: ${title}`);
      await shot('03-matrix-network');
      await grid.locator('td[data-from="dg-a"][data-to="dg-b"]').click();
      await page.locator('.tabs-container .tab', { hasText: 'Why: dg-a → dg-b' }).waitFor({ timeout: 20000 });
      await closeEditors();
    });
    await step('Reachability matrix of the whole host from the title bar: red across networks', async () => {
      await networks.hover();
      await networks.locator('.actions .action-label[aria-label="Reachability Matrix of All Sandboxes"]').click({ timeout: 10000 });
      const grid = webview().locator('#matrix');
      await grid.waitFor({ timeout: 20000 });
      const red = await grid.locator('td.unreachable').count();
      if (red !== 4) throw new Error(`${red} unreachable cells, want 4 (dg-c against dg-a and dg-b)`);
      const hover = await grid.locator('td[data-from="dg-c"][data-to="dg-a"]').getAttribute('title');
      if (!/no-shared-network — no network in common/.test(hover ?? '')) throw new Error(`hover: ${hover}`);
      if (await grid.locator('td.disagree').count()) throw new Error('the kernel disagreed on a cell');
      await shot('04-matrix-host');
    });
  } catch (e) {
    if (!failed) failed++;
    console.error(e);
  } finally {
    await browser?.close().catch(() => undefined);
    cs?.stop();
    await cnmd?.stop();
    fs.rmSync(extDir, { recursive: true, force: true });
    fs.rmSync(cfgDir, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

void main().then((code) => setTimeout(() => process.exit(code), 500));
