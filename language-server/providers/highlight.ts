// Document highlight: the network under the cursor, written where defined, read where used.
import { DocumentHighlightKind, type DocumentHighlight, type DocumentHighlightParams } from 'vscode-languageserver';
import { offsetAt, rangeOf, type CnmDocument } from '../document/document.js';
import { occurrenceAt, occurrences } from '../document/table.js';

export function highlight(doc: CnmDocument, params: DocumentHighlightParams): DocumentHighlight[] {
  const occ = occurrenceAt(doc.table, offsetAt(doc, params.position));
  if (!occ) return [];
  return occurrences(doc.table, occ.name).map((o) => ({
    range: rangeOf(doc, o.span),
    kind: o.kind === 'definition' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
  }));
}
