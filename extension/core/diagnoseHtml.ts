// The "Why can't A reach B?" page and the reachability matrix page. Strict CSP (nonce'd style and
// script), colours from the theme's variables only. The matrix posts {type:'why', from, to} when a
// cell is clicked; the why page posts {type:'rerun'}.
import type { MatrixCell, ReachabilityMatrix, ReasonCode, WhyReport } from '../../model/diagnose.js';
import { escapeXml as esc } from './topology.js';

/** What each one-word reason means, for hovers and the legend. */
export const REASON_TEXT: Record<ReasonCode, string> = {
  ok: 'reachable',
  'same-sandbox': 'the same sandbox',
  'no-shared-network': 'no network in common (networks are isolated)',
  'icc-disabled': 'the shared network has enable_icc=false',
  internal: 'only --internal networks: no way out',
  'no-route': 'no route',
  'no-such-address': 'no sandbox has that address',
  'name-not-visible': 'reachable, but the name does not resolve from here',
  'macvlan-host': 'macvlan host rule',
  'mtu-mismatch': 'reachable, but the MTUs differ',
  'subnet-conflict': 'a host route overlaps the subnet',
  firewall: "a rule in cnm's firewall drops it",
  'port-closed': 'nothing listens on that port',
  'no-network': 'not connected to any network',
  'overlay-peer-missing': 'the overlay peer is missing on this host',
};

const STYLE = `
body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);background:var(--vscode-editor-background);padding:0 16px 24px}
h1{font-size:1.3em;margin:12px 0 4px} h2{font-size:1.05em;margin:18px 0 6px;border-bottom:1px solid var(--vscode-panel-border)}
.muted{color:var(--vscode-descriptionForeground)} code{font-family:var(--vscode-editor-font-family);background:var(--vscode-textCodeBlock-background);padding:0 3px}
.verdict{display:inline-block;border-radius:8px;padding:1px 8px;font-weight:bold;color:var(--vscode-editor-background)}
.pass,.reachable{background:var(--vscode-charts-green)} .block,.unreachable{background:var(--vscode-charts-red)} .warn,.warned{background:var(--vscode-charts-yellow)}
ol.chain{list-style:none;padding:0} ol.chain li{margin:6px 0;padding-left:8px;border-left:4px solid var(--vscode-panel-border)}
ol.chain li.pass{border-left-color:var(--vscode-charts-green);background:none} ol.chain li.warn{border-left-color:var(--vscode-charts-yellow);background:none}
ol.chain li.block{border-left-color:var(--vscode-charts-red);background:none}
.agree{color:var(--vscode-charts-green)} .disagree{color:var(--vscode-errorForeground);font-weight:bold}
button{background:var(--vscode-button-background);color:var(--vscode-button-foreground);border:none;padding:4px 10px;cursor:pointer}
table.matrix{border-collapse:collapse} table.matrix th{font-weight:normal;color:var(--vscode-descriptionForeground);padding:2px 6px;text-align:left}
table.matrix td{width:22px;height:22px;border:1px solid var(--vscode-editor-background);cursor:pointer;text-align:center;font-size:.8em}
table.matrix td.reachable{background:var(--vscode-charts-green)} table.matrix td.unreachable{background:var(--vscode-charts-red)}
table.matrix td.warned{background:var(--vscode-charts-yellow)} table.matrix td.self{background:var(--vscode-editorWidget-background);cursor:default}
table.matrix td.disagree{outline:2px solid var(--vscode-errorForeground)} th.col{writing-mode:vertical-rl;transform:rotate(180deg)}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
`;

function page(title: string, cspSource: string, nonce: string, body: string, script: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${cspSource} data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>${esc(title)}</title><style nonce="${nonce}">${STYLE}</style></head>
<body>${body}
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
${script}
</script></body></html>`;
}

const MARK = { pass: '✓', warn: '!', block: '✗' } as const;

export function renderWhyHtml(r: WhyReport, cspSource: string, nonce: string): string {
  const target = `${r.to.text}${r.to.sandbox && r.to.sandbox !== r.to.text ? ` (${r.to.sandbox})` : ''}${r.to.address && r.to.address !== r.to.text ? ` at ${r.to.address}` : ''}`;
  const port = r.port ? ` port ${r.port.port}/${r.port.proto}` : '';
  const chain = r.chain
    .map(
      (s) => `<li class="${s.level}" data-code="${esc(s.code)}"><b>${MARK[s.level]}</b> ${esc(s.text)}
<div class="muted">decided by ${esc(s.object.kind)} <code>${esc(s.object.name)}</code></div>${s.rule ? `<div>rule: <code>${esc(s.rule)}</code></div>` : ''}${
        s.fix && s.level !== 'pass' ? `<div>fix: <code>${esc(s.fix)}</code></div>` : ''
      }</li>`,
    )
    .join('');
  const kernel = [
    r.probe
      ? `<li>${esc(r.probe.kind.toUpperCase())} ${esc(r.probe.target)}: <b>${r.probe.ok ? 'delivered' : 'failed'}</b> (${esc(r.probe.detail)})</li>`
      : '',
    r.dns ? `<li>DNS ${esc(r.dns.name)} via 127.0.0.11: ${esc(r.dns.detail)}</li>` : '',
  ].join('');
  const agrees =
    r.kernelAgrees === undefined
      ? '<p class="muted">Not checked on the kernel.</p>'
      : r.kernelAgrees
        ? '<p id="agreement" class="agree">The kernel agrees with this explanation.</p>'
        : '<p id="agreement" class="disagree">The kernel disagrees: the model is missing something.</p>';
  const body = `<h1 id="title">${esc(r.from.sandbox)} → ${esc(target)}${esc(port)}</h1>
<div><span id="verdict" class="verdict ${r.verdict}">${r.verdict === 'reachable' ? 'Reachable' : 'Unreachable'}</span> <span class="muted">${esc(r.reason)}: ${esc(REASON_TEXT[r.reason])}</span></div>
<h2>Why</h2><ol id="chain" class="chain">${chain}</ol>
<h2>Kernel check <button id="rerun">Run again</button></h2><ul id="kernel">${kernel}</ul>${agrees}
<p class="muted">model ${r.ms.model.toFixed(0)} ms${r.ms.probe !== undefined ? ` · probe ${r.ms.probe.toFixed(0)} ms` : ''}</p>`;
  return page(
    `Why: ${r.from.sandbox} → ${r.to.text}`,
    cspSource,
    nonce,
    body,
    `document.getElementById('rerun').addEventListener('click', () => vscode.postMessage({ type: 'rerun' }));`,
  );
}

function cellClass(c: MatrixCell, self: boolean): string {
  if (self) return 'self';
  const colour = c.verdict === 'unreachable' ? 'unreachable' : c.reason === 'ok' ? 'reachable' : 'warned';
  return c.probed && c.probed !== c.verdict ? `${colour} disagree` : colour;
}

function cellTitle(from: string, to: string, c: MatrixCell, self: boolean): string {
  if (self) return `${from}: the same sandbox`;
  const kernel = c.probed ? ` · kernel: ${c.probed}` : '';
  return `${from} → ${to}${c.address ? ` (${c.address})` : ''}: ${c.reason} — ${REASON_TEXT[c.reason]}${kernel}`;
}

export function renderMatrixHtml(m: ReachabilityMatrix, scope: string, cspSource: string, nonce: string): string {
  const head = `<tr><th></th>${m.sandboxes.map((s) => `<th class="col">${esc(s)}</th>`).join('')}</tr>`;
  const rows = m.sandboxes
    .map(
      (from, i) =>
        `<tr><th>${esc(from)}</th>${m.cells[i]!.map((c, j) => {
          const self = i === j;
          const to = m.sandboxes[j]!;
          return `<td class="${cellClass(c, self)}" title="${esc(cellTitle(from, to, c, self))}" data-from="${esc(from)}" data-to="${esc(to)}" data-reason="${esc(c.reason)}">${self ? '' : c.probed && c.probed !== c.verdict ? '?' : ''}</td>`;
        }).join('')}</tr>`,
    )
    .join('');
  const summary = `${m.sandboxes.length} sandboxes · model ${m.ms.model.toFixed(0)} ms${m.ms.probe !== undefined ? ` · probes ${m.ms.probe.toFixed(0)} ms · ${m.disagreements} disagreement(s) with the kernel` : ''}`;
  const body = `<h1 id="title">Reachability: ${esc(scope)}</h1>
<div class="muted" id="summary">${esc(summary)}</div>
<p class="legend"><span class="reachable"></span>reachable<span class="warned"></span>reachable with a warning<span class="unreachable"></span>unreachable · hover for the reason, click for the chain</p>
${m.sandboxes.length ? `<table id="matrix" class="matrix">${head}${rows}</table>` : '<p class="muted">No sandboxes.</p>'}
<p><button id="rerun">Run again</button></p>`;
  const script = `document.querySelectorAll('td[data-from]').forEach((td) => {
  if (td.classList.contains('self')) return;
  td.addEventListener('click', () => vscode.postMessage({ type: 'why', from: td.dataset.from, to: td.dataset.to }));
});
document.getElementById('rerun').addEventListener('click', () => vscode.postMessage({ type: 'rerun' }));`;
  return page(`Reachability: ${scope}`, cspSource, nonce, body, script);
}
