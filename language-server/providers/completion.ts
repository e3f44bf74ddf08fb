// Completion: keys in context, drivers, driver options per driver, network names under a service,
// host networks for `external` (live), free subnets for `subnet:`.
import { CompletionItemKind, MarkupKind, type CompletionItem, type CompletionParams } from 'vscode-languageserver';
import { DRIVERS } from '../../model/cnm.js';
import { DEFAULT_DRIVER, DRIVER_INFO, driverInfo, driverOption } from '../../model/drivers.js';
import type { HostSnapshot } from '../checks/check.js';
import { cursorContext, type CursorContext } from '../document/cursor.js';
import type { CnmDocument } from '../document/document.js';
import { driverOptsOf, isAttachments, networkOf, sandboxSection } from '../document/sections.js';
import { freeSubnets, hostSubnets } from '../live/free-subnets.js';
import { rootShape } from '../schema/roots.js';
import { branch, child, describe, shapeAt, type Shape } from '../schema/shape.js';

const item = (label: string, kind: CompletionItemKind, documentation?: string, insertText?: string, detail?: string): CompletionItem => ({
  label,
  kind,
  detail,
  insertText,
  documentation: documentation ? { kind: MarkupKind.Markdown, value: documentation } : undefined,
});

function driverOf(doc: CnmDocument, network: string | undefined): string {
  return (network && doc.table.byName.get(network)?.driver?.value) || DEFAULT_DRIVER;
}

function keys(ctx: CursorContext, doc: CnmDocument): CompletionItem[] {
  const optsOf = driverOptsOf(ctx.path);
  if (optsOf !== undefined) {
    return (driverInfo(driverOf(doc, optsOf))?.options ?? []).map((o) =>
      item(o.key, CompletionItemKind.Property, o.description, `${o.key}: `),
    );
  }
  if (isAttachments(ctx.path, doc.kind)) return networkNames(doc, ':');
  const shape = shapeAt(rootShape(doc.kind), ctx.path);
  const obj = shape && branch(shape, 'object');
  return Object.entries(obj?.properties ?? {}).map(([k, s]) => item(k, CompletionItemKind.Property, describe(s), `${k}: `));
}

function networkNames(doc: CnmDocument, suffix: string): CompletionItem[] {
  const names = doc.table.networks.map((n) => n.name);
  if (doc.kind === 'compose' && !names.includes('default')) names.push('default');
  return names.map((n) => {
    const def = doc.table.byName.get(n);
    const subnets = def?.pools
      .map((p) => p.subnet?.value)
      .filter(Boolean)
      .join(', ');
    return item(
      n,
      CompletionItemKind.Reference,
      undefined,
      suffix ? `${n}${suffix}` : n,
      def ? `${def.driver?.value ?? DEFAULT_DRIVER}${subnets ? ` ${subnets}` : ''}` : 'implicit default network',
    );
  });
}

function values(ctx: CursorContext, doc: CnmDocument, host: HostSnapshot | undefined): CompletionItem[] {
  const key = ctx.key!;
  const optsOf = driverOptsOf(ctx.path);
  if (optsOf !== undefined) {
    if (key === 'parent')
      return (host?.host.interfaces ?? []).map((i) =>
        item(i.name, CompletionItemKind.Value, `${i.kind}${i.addresses.length ? `: ${i.addresses.join(', ')}` : ''}`),
      );
    const opt = driverOption(driverOf(doc, optsOf), key);
    const vals = opt?.values ?? (opt?.value === 'bool' ? ['true', 'false'] : []);
    return vals.map((v) => item(v, CompletionItemKind.EnumMember));
  }
  if (key === 'driver' && networkOf(ctx.path) !== undefined) return driverItems(host);
  if (key === 'subnet') {
    const used = [...doc.table.networks.flatMap((n) => n.pools.map((p) => p.subnet?.value ?? '')), ...hostSubnets(host)];
    return freeSubnets(used, 3).map((s, i) => ({
      ...item(
        s,
        CompletionItemKind.Value,
        host ? 'Overlaps nothing in the file or on the host.' : 'Overlaps nothing in the file (cnmd not connected: host not checked).',
      ),
      sortText: String(i),
    }));
  }
  if (networkOf(ctx.path) !== undefined && (key === 'external' || key === 'name')) {
    const existing = (host?.networks ?? []).map((n) => n.Name);
    if (key === 'name') return existing.map((n) => item(n, CompletionItemKind.Reference, 'Network on the host'));
    return [
      item('true', CompletionItemKind.EnumMember),
      ...existing.map((n) => item(`{ name: ${n} }`, CompletionItemKind.Reference, 'Network on the host')),
    ];
  }
  if (key === 'network_mode' && ctx.path.length === 2 && ctx.path[0] === sandboxSection(doc.kind)) {
    const others = doc.kind === 'compose' ? doc.table.services.map((s) => `service:${s.name}`) : [];
    return ['bridge', 'host', 'none', ...others].map((m) => item(m, CompletionItemKind.EnumMember));
  }
  const parent = shapeAt(rootShape(doc.kind), ctx.path);
  const shape = parent && child(parent, key);
  return scalarValues(shape).map((v) => item(v, CompletionItemKind.EnumMember));
}

/** Shown beside each driver when no cnmd is connected to say which ones it has. */
export const OFFLINE_DRIVERS = '(not connected: all cnm drivers)';

/** What the connected cnmd implements (GET /info), else the whole vocabulary, marked as such. */
function driverItems(host: HostSnapshot | undefined): CompletionItem[] {
  if (!host) return DRIVERS.map((d) => item(d, CompletionItemKind.EnumMember, DRIVER_INFO[d].description, undefined, OFFLINE_DRIVERS));
  return host.daemon.drivers.map((d) =>
    item(d, CompletionItemKind.EnumMember, driverInfo(d)?.description, undefined, `cnmd on ${host.daemon.name}`),
  );
}

function scalarValues(shape: Shape | undefined): string[] {
  if (!shape) return [];
  const s = branch(shape, 'scalar');
  if (s?.enum) return [...s.enum];
  if ((shape.anyOf ?? [shape]).some((x) => x.type === 'boolean')) return ['true', 'false'];
  return [...(s?.examples ?? [])];
}

/** Items for a list entry under a service's `networks:` are values, even though no `key:` is typed. */
function listValues(ctx: CursorContext, doc: CnmDocument): CompletionItem[] | undefined {
  return ctx.path.at(-1) === '-' && isAttachments(ctx.path.slice(0, -1), doc.kind) ? networkNames(doc, '') : undefined;
}

export function complete(doc: CnmDocument, params: CompletionParams, host: HostSnapshot | undefined): CompletionItem[] {
  const lines = doc.text.split('\n');
  const ctx = cursorContext(lines, params.position.line, params.position.character);
  const items =
    ctx.mode === 'key' ? (listValues(ctx, doc) ?? keys(ctx, doc).filter((i) => !ctx.siblings.includes(i.label))) : values(ctx, doc, host);
  const range = { start: { line: params.position.line, character: ctx.prefixStart }, end: params.position };
  return items.map((i) => ({ ...i, textEdit: { range, newText: i.insertText ?? i.label }, insertText: undefined }));
}
