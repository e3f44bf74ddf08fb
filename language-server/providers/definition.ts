// Go to definition: from a network's use under a service to its entry under `networks:`.
import type { DefinitionParams, Location } from 'vscode-languageserver';
import { offsetAt, rangeOf, type CnmDocument } from '../document/document.js';
import { occurrenceAt } from '../document/table.js';

export function definition(doc: CnmDocument, params: DefinitionParams): Location | null {
  const occ = occurrenceAt(doc.table, offsetAt(doc, params.position));
  const def = occ && doc.table.byName.get(occ.name);
  return def ? { uri: doc.uri, range: rangeOf(doc, def.key) } : null;
}
