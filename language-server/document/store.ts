// Parsed documents by URI, one parse per version: the first provider to ask parses, the rest share.
import type { TextDocument } from 'vscode-languageserver-textdocument';
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

  get(doc: TextDocument): CnmDocument {
    const cached = this.parsed.get(doc.uri);
    if (cached?.version === doc.version) return cached;
    const fresh = parseCnmDocument(doc.uri, doc.version, kindOf(doc.uri), doc.getText());
    this.parsed.set(doc.uri, fresh);
    return fresh;
  }

  forget(uri: string): void {
    this.parsed.delete(uri);
  }
}
