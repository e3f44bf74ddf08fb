// The diagnose scenario in a real VS Code: the packaged .vsix in code-server, a real cnmd in a test
// namespace, headless Chromium: a network with a host route overlapping it shows a warning icon;
// "Why Can't … Reach …?" from a sandbox row opens the panel with the chain and the kernel's verdict;
// the reachability matrix of a network and of the whole host, a click on a cell opens that pair's
// chain; "Move Network to a Free Subnet…" on the conflicted network: the suggested free subnet, the
// preview, then the row shows the new subnet and no warning icon. Screenshots: test-results/e2e-diagnose/ (artefacts of the run, not committed).
//   node --import tsx test/e2e/diagnose.ts   (after `npm run package`; PORT from UI_PORT, default 8934)
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { request, ROOT } from './lib.js';
import { uiScenario } from './workbench.js';

const PORT = Number(process.env.UI_PORT ?? 8934);
const OUT = path.join(ROOT, 'test-results/e2e-diagnose');

async function api(sock: string, method: string, p: string, body?: unknown): Promise<any> {
  const r = await request(sock, method, p, body);
  if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

void uiScenario({
  tag: 'diag',
  port: PORT,
  outDir: OUT,
  async setup(cnmd) {
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
  },
  async body({ page, workspace, wb }) {
    const { shot, step, answer, contextMenu, quick } = wb;
    const pane = (title: RegExp) => page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) });
    const networks = pane(/^\s*Networks/);
    const sandboxes = pane(/^\s*Sandboxes/);
    const row = (view: any, text: string) => view.locator('.monaco-list-row', { hasText: text }).first();
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
      await page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(workspace)}`, { timeout: 180000 });
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
      await closeEditors();
    });
    await step('Move Network to a Free Subnet… on dg-back: the free subnet, the preview, then the new subnet and no warning', async () => {
      await contextMenu(row(networks, 'dg-back'), 'Move Network to a Free Subnet');
      await quick.locator('.quick-input-title', { hasText: 'Move network dg-back' }).waitFor({ timeout: 20000 });
      const first = quick.locator('.monaco-list-row').first();
      await first.waitFor({ timeout: 20000 });
      const suggested = /\d+\.\d+\.\d+\.\d+\/\d+/.exec((await first.getAttribute('aria-label')) ?? '')?.[0];
      if (!suggested || suggested.startsWith('10.73.2.')) throw new Error(`suggested: ${await first.getAttribute('aria-label')}`);
      await shot('05-move-pick');
      await quick.locator('input').first().press('Enter');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 20000 });
      const text = await dialog.innerText();
      const from = `Move network dg-back from 10.73.2.0/24 to ${suggested}?`;
      if (!text.includes(from) || !/dg-c \(eth0\): 10\.73\.2\.\d+\/24 → \d+\.\d+\.\d+\.\d+\/\d+/.test(text))
        throw new Error(`dialog: ${text}`);
      await shot('06-move-preview');
      await dialog.locator('.monaco-button', { hasText: /^Move$/ }).click();
      await row(networks, 'dg-back').filter({ hasText: suggested }).waitFor({ timeout: 30000 });
      for (let i = 0; i < 100 && (await row(networks, 'dg-back').locator('.codicon-warning').count()); i++) await page.waitForTimeout(200);
      if (await row(networks, 'dg-back').locator('.codicon-warning').count()) throw new Error('dg-back still carries the warning icon');
      await shot('07-moved-no-warning');
    });
  },
}).then((code) => setTimeout(() => process.exit(code), 500));
