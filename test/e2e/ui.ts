// The UI scenario in a real VS Code: the packaged .vsix installed into code-server, a real cnmd in
// a test namespace, headless Chromium clicking through the Container Networks view. Screenshots go
// to test-results/e2e/. Prints `N passed, N failed`.
import * as path from 'node:path';
import { request, ROOT } from './lib.js';
import { uiScenario } from './workbench.js';

const PORT = Number(process.env.UI_PORT ?? 8932);
const OUT = path.join(ROOT, 'test-results/e2e');

void uiScenario({
  tag: 'ui',
  port: PORT,
  outDir: OUT,
  // xterm's DOM renderer: the terminal's text is in the page (WebGL would draw it on a canvas).
  settings: { 'terminal.integrated.gpuAcceleration': 'off' },
  async body({ page, sock, workspace, wb }) {
    const { shot, step, quick, answer, palette, contextMenu } = wb;
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Networks/ }) });
    const row = (text: string) => view.locator('.monaco-list-row', { hasText: text }).first();
    /** The labels of a row's context menu (closed again with Escape). */
    const menuOf = async (target: any, shotName?: string): Promise<string[]> => {
      await target.click({ button: 'right' });
      const items = page.locator('.context-view .monaco-menu .action-label');
      await items.first().waitFor();
      const labels = (await items.allInnerTexts()).map((t: string) => t.trim()).filter(Boolean);
      if (shotName) await shot(shotName);
      await page.keyboard.press('Escape');
      await page
        .locator('.context-view .monaco-menu')
        .waitFor({ state: 'hidden' })
        .catch(() => undefined);
      return labels;
    };
    const expectMenu = (labels: string[], has: string[], hasNot: string[]) => {
      for (const h of has) if (!labels.includes(h)) throw new Error(`menu lacks "${h}": ${labels.join(' | ')}`);
      for (const h of hasNot) if (labels.includes(h)) throw new Error(`menu shows "${h}": ${labels.join(' | ')}`);
    };
    const inlineRemove = (name: string) => row(name).locator('.action-label[aria-label^="Remove Network"]');

    await step('workbench opens and shows the Container Networks activity-bar icon', async () => {
      await page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(workspace)}`, { timeout: 180000 }); // cold start under load
      await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 90000 });
      await page.locator('.activitybar .action-item a.action-label[aria-label^="Container Networks"]').click({ timeout: 60000 });
    });
    await step('Networks view shows bridge, host and none', async () => {
      for (const n of ['bridge', 'host', 'none']) await row(n).waitFor({ timeout: 30000 });
      await page.locator('.statusbar-item', { hasText: 'cnm:' }).first().waitFor();
      await shot('01-networks-view');
    });
    await step('Create Network quick pick flags an overlapping subnet, then creates ui-net', async () => {
      await palette('Container Networks: Create Network…');
      await answer('ui-net', '(1/8)');
      await quick.locator('.quick-input-title', { hasText: '(2/8)' }).waitFor({ timeout: 10000 });
      const drivers = await quick.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
      const info = await request(sock, 'GET', '/info');
      const reported = (info.body?.Plugins?.Network as string[] | undefined)?.filter((d) => d !== 'host' && d !== 'null');
      if (reported?.length && drivers.join(',') !== reported.join(','))
        throw new Error(`wizard offers ${drivers.join(',')}, cnmd reports ${reported.join(',')}`);
      if (!reported?.length && !(await quick.locator('input').first().getAttribute('placeholder'))?.includes('did not report'))
        throw new Error('the unconfirmed driver list is not marked as such');
      await shot('02-create-drivers');
      await answer('bridge', '(2/8)');
      await quick.locator('.quick-input-title', { hasText: '(3/8)' }).waitFor();
      const input = quick.locator('input').first();
      await input.fill('172.17.3.0/24');
      await quick.locator('.quick-input-message', { hasText: 'Overlaps network "bridge"' }).waitFor({ timeout: 10000 });
      await shot('02-create-validation');
      await input.fill('172.28.9.0/24');
      await input.press('Enter');
      for (const [step, a] of [
        [4, '172.28.9.1'],
        [5, ''],
        [6, 'No'],
        [7, 'IPv4 only'],
        [8, 'com.docker.network.driver.mtu=1400'],
      ] as const)
        await answer(a, `(${step}/8)`);
      await row('ui-net').waitFor({ timeout: 10000 });
      await shot('03-network-created');
    });
    await step('Connect Sandbox… attaches a sandbox and its endpoint appears', async () => {
      const made = await request(sock, 'POST', '/cnm/sandboxes/create', { Name: 'ui-sb' });
      if (made.status >= 300) throw new Error(`sandbox create: ${JSON.stringify(made.body)}`);
      await contextMenu(row('ui-net'), 'Connect Sandbox…');
      await answer('ui-sb', 'Connect to ui-net');
      await answer('', 'Connect ui-sb to ui-net');
      // the twistie becomes expandable only once the endpoint event has arrived
      await row('ui-net').locator('.monaco-tl-twistie.collapsible').click({ timeout: 10000 });
      await row('ui-sb').waitFor({ timeout: 10000 });
      await shot('04-sandbox-connected');
    });
    await step(
      "Open Terminal in Sandbox: the sandbox's shell over cnmd's exec, resized with the panel, its exit code reported",
      async () => {
        const sbView = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Sandboxes/ }) });
        const header = sbView.locator('.pane-header');
        if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
        await contextMenu(sbView.locator('.monaco-list-row', { hasText: 'ui-sb' }).first(), 'Open Terminal in Sandbox');
        const term = page.locator('.terminal-wrapper.active .xterm').first();
        await term.waitFor({ timeout: 20000 });
        const screen = () => term.locator('.xterm-rows').innerText() as Promise<string>;
        /** Polls the terminal's text (bounded) until `re` matches; the match. */
        const until = async (re: RegExp, what: string): Promise<RegExpMatchArray> => {
          for (let i = 0; i < 100; i++) {
            const m = (await screen()).replace(/\u00a0/g, ' ').match(re);
            if (m) return m;
            await page.waitForTimeout(200);
          }
          throw new Error(`terminal never showed ${what}: ${JSON.stringify(await screen())}`);
        };
        const sb = await request(sock, 'GET', '/cnm/sandboxes/ui-sb');
        const hostname = sb.body?.hostname as string;
        const ip = (sb.body?.endpoints as Array<{ networkName: string; ipv4?: string }>)?.find((e) => e.networkName === 'ui-net')?.ipv4;
        if (!hostname || !ip) throw new Error(`sandbox inspect: ${JSON.stringify(sb.body)}`);
        await term.click();
        // `hostname` answers from the sandbox's own UTS namespace, $HOSTNAME from exec's environment
        await page.keyboard.type('echo H=$(hostname) E=$HOSTNAME; ip -o -4 addr show\n');
        await until(new RegExp(`H=${hostname} E=${hostname}\\b`), `the sandbox's hostname ${hostname}`);
        await until(new RegExp(`eth\\d+\\S*\\s+inet ${ip.replace(/\./g, '\\.')}`), `ui-net's address ${ip} on an eth link`);
        await shot('04d-terminal-in-sandbox');
        const size = async (tag: string) => {
          await page.keyboard.type(`echo ${tag} $(stty size)\n`);
          const m = await until(new RegExp(`${tag} (\\d+) (\\d+)`), `${tag} and stty's size`);
          return [Number(m[1]), Number(m[2])];
        };
        const [rows] = await size('S1');
        await palette('View: Toggle Maximized Panel');
        await term.click();
        // the new size reaches cnmd (resize over the API) a moment after the panel grows: ask again, bounded
        let rowsMax = rows!;
        for (let i = 2; i < 12 && rowsMax <= rows!; i++) [rowsMax] = await size(`S${i}`);
        if (rowsMax <= rows!) throw new Error(`stty size: ${rows} rows, still ${rowsMax} with the panel maximized`);
        await shot('04e-terminal-resized');
        await palette('View: Toggle Maximized Panel'); // back, for the steps after this one
        await term.click();
        await page.keyboard.type('exit 3\n');
        const exited = page.locator('.notifications-toasts, .terminal-wrapper .xterm-rows', { hasText: /exit code:? 3/ }).first();
        await exited.waitFor({ timeout: 20000 });
        await shot('04f-terminal-exit-code');
      },
    );
    await step('Context menus show exactly what applies: a network in use offers Disconnect All and Remove, no trash', async () => {
      if (await inlineRemove('ui-net').count()) throw new Error('trash icon on a network with endpoints');
      expectMenu(
        await menuOf(row('ui-net'), '04b-menu-network-in-use'),
        ['Inspect', 'Connect Sandbox…', 'Disconnect All and Remove…', 'Copy ID'],
        ['Remove Network', 'Disconnect', 'Ping…'],
      );
      expectMenu(
        await menuOf(row('ui-sb'), '04c-menu-endpoint'),
        ['Disconnect', 'Ping…', 'Copy IP', 'Copy ID'],
        ['Remove Network', 'Connect Sandbox…', 'Disconnect All and Remove…'],
      );
      expectMenu(
        await menuOf(row('none')),
        ['Inspect', 'Copy ID'],
        ['Remove Network', 'Connect Sandbox…', 'Disconnect', 'Ping…', 'Disconnect All and Remove…'],
      );
    });
    await step('Inspect panel draws the topology with the sandbox on two networks', async () => {
      const back = await request(sock, 'POST', '/networks/create', { Name: 'ui-back', IPAM: { Config: [{ Subnet: '172.28.10.0/24' }] } });
      if (back.status >= 300) throw new Error(`network create: ${JSON.stringify(back.body)}`);
      const conn = await request(sock, 'POST', '/networks/ui-back/connect', { Container: 'ui-sb' });
      if (conn.status >= 300) throw new Error(`connect: ${JSON.stringify(conn.body)}`);
      await row('ui-back').waitFor({ timeout: 10000 });
      await row('ui-net').locator('.label-name').click();
      await page.locator('.tabs-container .tab', { hasText: 'Network: ui-net' }).waitFor({ timeout: 20000 });
      const frame = page.frameLocator('iframe.webview').frameLocator('#active-frame');
      await frame.locator('#topology [data-sandbox="ui-sb"]').waitFor({ timeout: 20000 });
      const svg = await frame.locator('#topology').innerHTML();
      await frame.locator('#topology g.net[data-network="ui-back"]').waitFor({ timeout: 20000 });
      const svg2 = await frame.locator('#topology').innerHTML();
      for (const want of [
        'data-network="ui-net"',
        'ui-net · 172.28.9.0/24',
        'ui-back · 172.28.10.0/24',
        'data-endpoint="ui-sb:eth',
        ' 172.28.9.',
        'class="wire"',
      ])
        if (!(svg + svg2).includes(want)) throw new Error(`topology lacks ${want}`);
      const summary = await frame.locator('#summary').innerText();
      if (!/Gateway: 172\.28\.9\.1/.test(summary)) throw new Error(`summary: ${summary}`);
      await shot('05-inspect-topology');
    });
    await step('Disconnect from the context menu, then the trash icon that appears on the emptied network removes it', async () => {
      await contextMenu(row('ui-sb'), 'Disconnect');
      await row('ui-sb').waitFor({ state: 'detached', timeout: 10000 }); // ui-back is collapsed: its ui-sb row is not drawn
      await inlineRemove('ui-net').waitFor({ state: 'attached', timeout: 10000 }); // empty now: the trash icon appears
      // The tree may redraw the row between hover and click (the disconnect's events arrive in bursts),
      // so a click can land on a row being replaced: retry the click, bounded, while the row is drawn.
      for (let attempt = 1; ; attempt++) {
        await row('ui-net').hover();
        await inlineRemove('ui-net').click();
        const gone = await row('ui-net')
          .waitFor({ state: 'detached', timeout: 5000 })
          .then(
            () => true,
            () => false,
          );
        if (gone) break;
        const notes = await page
          .locator('.notifications-toasts')
          .innerText()
          .catch(() => '');
        if (attempt === 3) throw new Error(`ui-net still drawn after 3 clicks on its trash icon; notifications: ${notes}`);
      }
      const nets = await request(sock, 'GET', '/networks');
      if ((nets.body as Array<{ Name: string }>).some((n) => n.Name === 'ui-net')) throw new Error('ui-net still in cnmd');
    });
    await step('Disconnect All and Remove… asks in a modal naming the endpoints, then empties and removes the network', async () => {
      await contextMenu(row('ui-back'), 'Disconnect All and Remove…');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 10000 });
      const text = await dialog.innerText();
      if (!/Disconnect 1 endpoint\(s\) from ui-back/.test(text) || !/ui-sb \(172\.28\.10\./.test(text)) throw new Error(`dialog: ${text}`);
      await shot('06-disconnect-all-dialog');
      await dialog.locator('.monaco-button', { hasText: 'Disconnect All and Remove' }).click();
      await row('ui-back').waitFor({ state: 'detached', timeout: 10000 });
      const nets = await request(sock, 'GET', '/networks');
      if ((nets.body as Array<{ Name: string }>).some((n) => n.Name === 'ui-back')) throw new Error('ui-back still in cnmd');
      await shot('07-networks-removed');
    });
  },
}).then((code) => setTimeout(() => process.exit(code), 500));
