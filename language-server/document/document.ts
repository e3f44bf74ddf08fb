// One parsed document per version: the `yaml` Document with a LineCounter and the network table
// built from it. Every provider reads this; nothing parses the text again.
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { Position, Range } from 'vscode-languageserver';
import type { FileKind } from '../../helper/topology/kind.js';
import { buildTable, type NetworkTable, type Span } from './table.js';

export interface CnmDocument {
  uri: string;
  version: number;
  kind: FileKind;
  text: string;
  yaml: Document.Parsed;
  lines: LineCounter;
  table: NetworkTable;
}

export function parseCnmDocument(uri: string, version: number, kind: FileKind, text: string): CnmDocument {
  const lines = new LineCounter();
  const yaml = parseDocument(text, { lineCounter: lines, keepSourceTokens: false });
  return { uri, version, kind, text, yaml, lines, table: buildTable(yaml, kind) };
}

export function positionAt(doc: CnmDocument, offset: number): Position {
  const { line, col } = doc.lines.linePos(offset);
  return { line: line - 1, character: col - 1 };
}

export function rangeOf(doc: CnmDocument, span: Span): Range {
  return { start: positionAt(doc, span.start), end: positionAt(doc, span.end) };
}

export function offsetAt(doc: CnmDocument, pos: Position): number {
  const starts = doc.lines.lineStarts;
  if (pos.line >= starts.length) return doc.text.length;
  return Math.min(starts[pos.line] + pos.character, doc.text.length);
}
