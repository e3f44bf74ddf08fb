// Document symbols: the outline of networks and services / sandboxes.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import { DEFAULT_DRIVER } from '../../model/drivers.js';
import { rangeOf, type CnmDocument } from '../document/document.js';
import { sandboxSection } from '../document/sections.js';
import { spanOf, type Span } from '../document/table.js';

function symbol(
  doc: CnmDocument,
  name: string,
  detail: string,
  kind: SymbolKind,
  key: Span,
  body: Span | undefined,
  children?: DocumentSymbol[],
): DocumentSymbol {
  const range = rangeOf(doc, { start: key.start, end: Math.max(key.end, body?.end ?? key.end) });
  return { name, detail, kind, range, selectionRange: rangeOf(doc, key), children };
}

export function documentSymbols(doc: CnmDocument): DocumentSymbol[] {
  const t = doc.table;
  const networks = t.networks.map((n) =>
    symbol(
      doc,
      n.name,
      [n.driver?.value ?? DEFAULT_DRIVER, ...n.pools.map((p) => p.subnet?.value ?? '')].filter(Boolean).join(' '),
      SymbolKind.Interface,
      n.key,
      n.entry,
    ),
  );
  const services = t.services.map((s) =>
    symbol(
      doc,
      s.name,
      s.networkMode ? `network_mode ${s.networkMode.value}` : s.attachments.map((a) => a.network).join(', '),
      SymbolKind.Object,
      s.key,
      spanOf(s.map),
    ),
  );
  const out: DocumentSymbol[] = [];
  if (t.networksKey)
    out.push(symbol(doc, 'networks', `${networks.length}`, SymbolKind.Namespace, t.networksKey, spanOf(t.networksMap), networks));
  if (t.sandboxesKey)
    out.push(
      symbol(doc, sandboxSection(doc.kind), `${services.length}`, SymbolKind.Namespace, t.sandboxesKey, spanOf(t.sandboxesMap), services),
    );
  return out;
}
