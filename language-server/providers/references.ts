// Find references: every use of the network under the cursor, with its definition if asked.
import type { Location, ReferenceParams } from 'vscode-languageserver';
import { offsetAt, rangeOf, type CnmDocument } from '../document/document.js';
import { occurrenceAt, occurrences } from '../document/table.js';

export function references(doc: CnmDocument, params: ReferenceParams): Location[] {
  const occ = occurrenceAt(doc.table, offsetAt(doc, params.position));
  if (!occ) return [];
  return occurrences(doc.table, occ.name)
    .filter((o) => params.context.includeDeclaration || o.kind === 'reference')
    .map((o) => ({ uri: doc.uri, range: rangeOf(doc, o.span) }));
}
