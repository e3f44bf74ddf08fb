// The inspect panel's page: summary, IPAM, endpoints, options, topology and Docker's raw JSON.
// Strict CSP: no remote content, styles and the one script carry the panel's nonce.
import type { ClusterView, SandboxView } from '../../model/cnm.js';
import type { NetworkResource } from '../../model/docker.js';
import { escapeXml as esc, renderTopology, topologyOf } from './topology.js';
import { gatewaysInUse, isBuiltin, parentOf, poolGateway } from './tree.js';

export interface InspectPage {
  network: NetworkResource;
  all: NetworkResource[];
  sandboxes: SandboxView[] | undefined;
  /** GET /cnm/cluster: places a global-scope network's endpoints on their hosts. */
  cluster?: ClusterView | null;
  cspSource: string;
  nonce: string;
}

export function table(head: string[], rows: string[][], empty: string): string {
  if (!rows.length) return `<p class="muted">${esc(empty)}</p>`;
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const STYLE = `
body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);background:var(--vscode-editor-background);padding:0 16px 24px}
h1{font-size:1.4em;margin:12px 0 4px} h2{font-size:1.1em;margin:18px 0 6px;border-bottom:1px solid var(--vscode-panel-border)}
.muted{color:var(--vscode-descriptionForeground)} .badge{border:1px solid var(--vscode-badge-background);background:var(--vscode-badge-background);color:var(--vscode-badge-foreground);border-radius:8px;padding:0 6px;margin-right:4px;font-size:.85em}
table{border-collapse:collapse} th,td{text-align:left;padding:3px 12px 3px 0;font-family:var(--vscode-editor-font-family)} th{color:var(--vscode-descriptionForeground);font-weight:normal}
pre{background:var(--vscode-textCodeBlock-background);padding:8px;overflow:auto;max-height:320px}
button{background:var(--vscode-button-background);color:var(--vscode-button-foreground);border:none;padding:4px 10px;cursor:pointer}
#topology text{fill:var(--vscode-foreground);font-size:12px} #topology text.small{font-size:10px;fill:var(--vscode-descriptionForeground)}
#topology .sandbox rect{fill:var(--vscode-editorWidget-background);stroke:var(--vscode-foreground);stroke-width:1}
#topology .net rect{fill:var(--vscode-editorWidget-background);stroke:var(--vscode-descriptionForeground)}
#topology .net.focus rect{fill:var(--vscode-charts-blue);stroke:var(--vscode-charts-blue);fill-opacity:.35}
#topology .ep circle{fill:var(--vscode-charts-green);stroke:var(--vscode-foreground)} #topology .wire{stroke:var(--vscode-foreground);stroke-width:1.5}
#topology .junction{fill:var(--vscode-foreground)}
#topology .host rect{fill:none;stroke:var(--vscode-charts-purple);stroke-width:1.5} #topology .host.expired rect{stroke:var(--vscode-disabledForeground);stroke-dasharray:4 3}
#topology .vtep{fill:var(--vscode-charts-purple)} #topology .vxlan path{fill:none;stroke:var(--vscode-charts-purple);stroke-width:2} #topology .vxlan.down path{stroke:var(--vscode-disabledForeground);stroke-dasharray:4 3}
`;

export function renderInspectHtml(p: InspectPage): string {
  const n = p.network;
  const badges = [
    n.Driver,
    n.Scope,
    n.Internal ? 'internal' : '',
    n.EnableIPv6 ? 'IPv6' : '',
    n.Attachable ? 'attachable' : '',
    isBuiltin(n) ? 'built-in' : '',
  ].filter(Boolean);
  const parent = parentOf(n);
  // the gateway in use even where Docker's JSON leaves it out (marked "(default)"); the raw JSON stays Docker's
  const gateways = gatewaysInUse(n);
  const ipam = table(
    ['Subnet', 'Gateway', 'IP range', 'Aux addresses'],
    (n.IPAM?.Config ?? []).map((c) => [
      c.Subnet ?? '',
      poolGateway(c) ?? '',
      c.IPRange ?? '',
      Object.entries(c.AuxiliaryAddresses ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(', '),
    ]),
    'No address pools',
  );
  const endpoints = table(
    ['Name', 'IPv4', 'IPv6', 'MAC', 'Endpoint', 'Published ports'],
    Object.values(n.Containers ?? {}).map((c) => [
      c.Name,
      c.IPv4Address,
      c.IPv6Address,
      c.MacAddress,
      c.EndpointID.slice(0, 12),
      Object.entries(c.Ports ?? {})
        .flatMap(([k, list]) => (list ?? []).map((b) => `${k} → ${b.HostIp}:${b.HostPort}`))
        .join(', '),
    ]),
    'No endpoints',
  );
  const options = table(['Option', 'Value'], Object.entries(n.Options ?? {}), 'No driver options');
  const labels = table(['Label', 'Value'], Object.entries(n.Labels ?? {}), 'No labels');
  const json = JSON.stringify([n], null, 4);
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${p.cspSource} data:; style-src 'nonce-${p.nonce}'; script-src 'nonce-${p.nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>${esc(n.Name)}</title><style nonce="${p.nonce}">${STYLE}</style></head>
<body data-network-id="${esc(n.Id)}">
<h1 id="title">${esc(n.Name)}</h1>
<div class="muted">${esc(n.Id)} · created ${esc(n.Created)}</div>
<div>${badges.map((b) => `<span class="badge">${esc(b)}</span>`).join('')}</div>
<div id="summary">${[parent ? `Parent interface: <b>${esc(parent)}</b>` : '', gateways.length ? `Gateway: ${esc(gateways.join(', '))}` : ''].filter(Boolean).join(' · ')}</div>
<h2>Topology</h2>${renderTopology(topologyOf(n, p.sandboxes, p.all, p.cluster))}
<h2>IPAM <span class="muted">(${esc(n.IPAM?.Driver ?? 'default')})</span></h2>${ipam}
<h2>Endpoints</h2><div id="endpoints">${endpoints}</div>
<h2>Options</h2>${options}
<h2>Labels</h2>${labels}
<h2>Raw JSON <button id="copy">Copy</button></h2><pre id="raw">${esc(json)}</pre>
<script nonce="${p.nonce}">
const vscode = acquireVsCodeApi();
document.getElementById('copy').addEventListener('click', () => vscode.postMessage({ type: 'copy', text: document.getElementById('raw').textContent }));
</script></body></html>`;
}
