// Hover: on a network name, its definition and its live state on the host; on a key, what it
// means; on a driver or driver option, the vocabulary's description.
import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver';
import { DEFAULT_DRIVER, driverInfo, driverOption } from '../../model/drivers.js';
import type { HostSnapshot } from '../checks/check.js';
import { cursorContext } from '../document/cursor.js';
import { offsetAt, rangeOf, type CnmDocument } from '../document/document.js';
import { hostNameOf } from '../document/names.js';
import { driverOptsOf, networkOf } from '../document/sections.js';
import { occurrenceAt, type NetworkDef } from '../document/table.js';
import { rootShape } from '../schema/roots.js';
import { child, describe, shapeAt } from '../schema/shape.js';

function definitionText(def: NetworkDef | undefined, name: string): string {
  if (!def) return name === 'default' ? "Compose's implicit default network (bridge)." : 'Not defined in this file.';
  const pools = def.pools.map((p) => [p.subnet?.value, p.gateway && `gateway ${p.gateway.value}`].filter(Boolean).join(', '));
  const external = def.external?.value === true ? ' (external)' : '';
  return `driver ${def.driver?.value ?? DEFAULT_DRIVER}${external}${pools.length ? `; ${pools.join('; ')}` : ''}`;
}

function liveText(doc: CnmDocument, def: NetworkDef | undefined, name: string, host: HostSnapshot | undefined): string {
  if (!host) return '_cnmd not connected: host state unknown._';
  const hostName = def ? hostNameOf(doc, def) : name;
  const net = host.networks.find((n) => n.Name === hostName);
  if (!net) return `Not on the host yet (as \`${hostName}\`).`;
  const endpoints = host.sandboxes.flatMap((s) =>
    s.endpoints.filter((e) => e.networkId === net.Id).map((e) => `${s.name} ${e.ipv4 ?? e.ipv6 ?? ''}`.trim()),
  );
  return [
    `On the host as \`${net.Name}\` (${net.Id.slice(0, 12)}), ${net.Driver}, ${net.IPAM.Config.map((c) => c.Subnet).join(', ') || 'no subnet'}`,
    endpoints.length ? `Endpoints: ${endpoints.join('; ')}` : 'No endpoints.',
  ].join('\n\n');
}

const markdown = (value: string) => ({ kind: MarkupKind.Markdown, value });

/** The word under the cursor on a line: a key, an option key or a value, in block or flow style. */
const WORD = /[^\s,[\]{}:#"']+/g;

function keyHover(doc: CnmDocument, line: number, character: number): { text: string; start: number; end: number } | undefined {
  const lines = doc.text.split('\n');
  const text = lines[line] ?? '';
  const word = [...text.matchAll(WORD)].find((m) => m.index! <= character && character <= m.index! + m[0].length);
  if (!word) return undefined;
  const start = word.index!;
  const end = start + word[0].length;
  const ctx = cursorContext(lines, line, end);
  if (ctx.mode === 'key' && /^ *:(\s|$|[,\]}])/.test(text.slice(end))) {
    const opts = driverOptsOf(ctx.path);
    const driver = opts !== undefined ? (doc.table.byName.get(opts)?.driver?.value ?? DEFAULT_DRIVER) : undefined;
    const desc = driver
      ? driverOption(driver, word[0])?.description
      : describe(child(shapeAt(rootShape(doc.kind), ctx.path) ?? {}, word[0]));
    return desc ? { text: `**${word[0]}**: ${desc}`, start, end } : undefined;
  }
  // On the value of a network's `driver:`, the driver's description.
  const info = ctx.mode === 'value' && ctx.key === 'driver' && networkOf(ctx.path) !== undefined ? driverInfo(word[0]) : undefined;
  return info ? { text: `**${word[0]}**: ${info.description}`, start, end } : undefined;
}

export function hover(doc: CnmDocument, params: HoverParams, host: HostSnapshot | undefined): Hover | null {
  const occ = occurrenceAt(doc.table, offsetAt(doc, params.position));
  if (occ) {
    const def = doc.table.byName.get(occ.name);
    return {
      contents: markdown(`**network ${occ.name}**: ${definitionText(def, occ.name)}\n\n${liveText(doc, def, occ.name, host)}`),
      range: rangeOf(doc, occ.span),
    };
  }
  const k = keyHover(doc, params.position.line, params.position.character);
  if (!k) return null;
  const line = params.position.line;
  return { contents: markdown(k.text), range: { start: { line, character: k.start }, end: { line, character: k.end } } };
}
