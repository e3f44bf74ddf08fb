// Published ports in the extension: a sandbox's mappings (Docker's NetworkSettings.Ports), the URL
// "Open in Browser" opens (the vscode adapter passes it through asExternalUri, so on a remote host
// VS Code's port forwarding carries it), and the port table page (`cnm port ls` as a webview).
import type { SandboxView } from '../../model/cnm.js';
import { looksLikeHttp, mappingsOf, type PortMapping, type PublishedPort } from '../../model/ports.js';
import { table } from './inspectHtml.js';

export const sandboxMappings = (sb: SandboxView): PortMapping[] => mappingsOf(sb.NetworkSettings?.Ports);

/** One line per mapping: `80/tcp → 0.0.0.0:8080`. */
export const mappingText = (m: PortMapping): string =>
  `${m.containerPort}/${m.proto} → ${m.hostIp.includes(':') ? `[${m.hostIp}]` : m.hostIp}:${m.hostPort}`;

/** The HTTP ports worth opening, one per host port (a port on 0.0.0.0 and :: is one choice). */
export function httpMappings(sb: SandboxView): PortMapping[] {
  const seen = new Set<number>();
  return sandboxMappings(sb).filter((m) => looksLikeHttp(m) && !seen.has(m.hostPort) && seen.add(m.hostPort));
}

/**
 * The URL on the daemon's host: localhost for wildcard and loopback bindings (what asExternalUri
 * forwards from a remote host), the bound address otherwise.
 */
export function browserUrl(m: PortMapping): string {
  const scheme = m.containerPort === 443 || m.containerPort === 8443 ? 'https' : 'http';
  const local = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(m.hostIp);
  const host = local ? 'localhost' : m.hostIp.includes(':') ? `[${m.hostIp}]` : m.hostIp;
  return `${scheme}://${host}:${m.hostPort}/`;
}

/** The firewall-exposure table: every published port and where it is reachable from. */
export function renderPortsHtml(ports: PublishedPort[], p: { cspSource: string; nonce: string }): string {
  const rows = ports.map((x) => [
    x.sandbox,
    x.network,
    `${x.containerPort}/${x.proto}`,
    x.containerIp ? `${x.containerIp}:${x.containerPort}` : '—',
    `${x.hostIp.includes(':') ? `[${x.hostIp}]` : x.hostIp}:${x.hostPort}`,
    x.reachableAt.join(', ') || 'nowhere (no address of that family)',
  ]);
  const body = table(['Sandbox', 'Network', 'Port', 'Target', 'Binding', 'Reachable at'], rows, 'No published ports.');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${p.nonce}';">
<title>Published Ports</title><style nonce="${p.nonce}">
body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:0 16px}
table{border-collapse:collapse} th,td{text-align:left;padding:3px 14px 3px 0;font-family:var(--vscode-editor-font-family)}
th{color:var(--vscode-descriptionForeground);font-weight:normal} .muted{color:var(--vscode-descriptionForeground)}
</style></head><body><h1>Published Ports</h1>
<p class="muted">Every port cnmd publishes, in its own nftables table, and the host addresses that reach it.</p>
<div id="ports">${body}</div></body></html>`;
}
