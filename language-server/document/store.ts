// Parsed documents by URI, one parse per version: the first provider to ask parses, the rest share.
import type { TextDocument, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { patchDocument } from './incremental.js';
import { fileKind, type FileKind } from '../../helper/topology/kind.js';
import { parseCnmDocument, type CnmDocument } from './document.js';
import { filePath } from './names.js';

/** Topology by file name; anything else the client sends us (dockercompose, compose yaml) is compose. */
export function kindOf(uri: string): FileKind {
  try {
    return fileKind(filePath(uri)) ?? 'compose';
  } catch {
    return 'compose';
  }
}

export class DocumentStore {
  private readonly parsed = new Map<string, CnmDocument>();
  /** The last edit of each document: which version it turned into which, and how. */
  private readonly edits = new Map<string, { from: number; to: number; changes: TextDocumentContentChangeEvent[] }>();

  /** Called by the document manager for every didChange, before the new version is asked for. */
  noteChanges(uri: string, from: number, to: number, changes: TextDocumentContentChangeEvent[]): void {
    this.edits.set(uri, { from, to, changes });
  }

  get(doc: TextDocument): CnmDocument {
    const cached = this.parsed.get(doc.uri);
    if (cached?.version === doc.version) return cached;
    const edit = this.edits.get(doc.uri);
    const patched =
      cached && edit && edit.from === cached.version && edit.to === doc.version && edit.changes.length === 1
        ? patchDocument(cached, edit.changes[0], doc.version, doc.getText())
        : undefined;
    const fresh = patched ?? parseCnmDocument(doc.uri, doc.version, kindOf(doc.uri), doc.getText());
    this.parsed.set(doc.uri, fresh);
    return fresh;
  }

  forget(uri: string): void {
    this.parsed.delete(uri);
    this.edits.delete(uri);
  }
}
