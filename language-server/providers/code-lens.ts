// Code lens on the first line: "Apply to host" and "Show diff", both through the commands the
// server executes (or the extension intercepts to show its own diff view).
import type { CodeLens } from 'vscode-languageserver';
import type { CnmDocument } from '../document/document.js';
import { APPLY_COMMAND, DIFF_COMMAND } from './apply.js';

export function codeLenses(doc: CnmDocument, connected: boolean): CodeLens[] {
  if (doc.table.networks.length === 0 && doc.table.services.length === 0) return [];
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  if (!connected) return [{ range, command: { title: 'cnm: cnmd not connected', command: '' } }];
  return [
    { range, command: { title: 'Apply to host', command: APPLY_COMMAND, arguments: [doc.uri] } },
    { range, command: { title: 'Show diff', command: DIFF_COMMAND, arguments: [doc.uri] } },
  ];
}
