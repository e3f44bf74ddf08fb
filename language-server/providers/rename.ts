// Rename a network: its definition and every use, in one edit. Only names defined in the file.
import {
  ResponseError,
  ErrorCodes,
  type PrepareRenameParams,
  type Range,
  type RenameParams,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { offsetAt, rangeOf, type CnmDocument } from '../document/document.js';
import { occurrenceAt, occurrences } from '../document/table.js';

/** Docker's rule for network names. */
const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function target(doc: CnmDocument, params: PrepareRenameParams) {
  const occ = occurrenceAt(doc.table, offsetAt(doc, params.position));
  return occ && doc.table.byName.has(occ.name) ? occ : undefined;
}

export function prepareRename(doc: CnmDocument, params: PrepareRenameParams): Range | null {
  const occ = target(doc, params);
  return occ ? rangeOf(doc, occ.span) : null;
}

export function rename(doc: CnmDocument, params: RenameParams): WorkspaceEdit | null {
  const occ = target(doc, params);
  if (!occ) return null;
  if (!VALID_NAME.test(params.newName)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `"${params.newName}" is not a valid network name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)`);
  }
  if (doc.table.byName.has(params.newName)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `a network "${params.newName}" is already defined`);
  }
  const edits = occurrences(doc.table, occ.name).map((o) => ({ range: rangeOf(doc, o.span), newText: params.newName }));
  return { changes: { [doc.uri]: edits } };
}
