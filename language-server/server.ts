// The transport side: binds an LSP connection to the language service. One handler per request,
// each a one-liner into its provider; diagnostics are computed off the change notification
// (coalesced per document) so a keystroke never waits for them.
import { TextDocuments, TextDocumentSyncKind, type Connection, type InitializeParams, type InitializeResult } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ApiClient, resolveHost } from '../helper/api/client.js';
import { DocumentStore } from './document/store.js';
import { HostState } from './live/host-state.js';
import { APPLY_COMMAND, APPLY_REQUEST, DIFF_COMMAND, DIFF_REQUEST, applyDocument, diffDocument } from './providers/apply.js';
import { codeActions } from './providers/code-actions.js';
import { codeLenses } from './providers/code-lens.js';
import { complete } from './providers/completion.js';
import { definition } from './providers/definition.js';
import { diagnose } from './providers/diagnostics.js';
import { highlight } from './providers/highlight.js';
import { hover } from './providers/hover.js';
import { references } from './providers/references.js';
import { prepareRename, rename } from './providers/rename.js';
import { documentSymbols } from './providers/symbols.js';
import { runApplyCommand, runDiffCommand } from './commands.js';

export interface ServerOptions {
  /** cnmd to use for live features: unix:///path or a path. Default: CNM_HOST, then cnmd's default socket. */
  host?: string;
  /** false: no live features at all (no connection attempts). */
  live?: boolean;
}

/** What clients may pass in initializationOptions; they override ServerOptions. */
interface InitOptions {
  cnmHost?: string;
  live?: boolean;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const store = new DocumentStore();
  const documents = new TextDocuments({
    create: TextDocument.create,
    update: (doc, changes, version) => {
      store.noteChanges(doc.uri, doc.version, version, changes);
      return TextDocument.update(doc, changes, version);
    },
  });
  let hostState: HostState | undefined;
  const host = () => hostState?.snapshot;
  const pending = new Map<string, NodeJS.Immediate>();

  const publish = (uri: string) => {
    pending.delete(uri);
    const text = documents.get(uri);
    if (text) void connection.sendDiagnostics({ uri, version: text.version, diagnostics: diagnose(store.get(text), host()) });
  };
  const schedule = (uri: string) => {
    if (pending.has(uri)) return;
    pending.set(
      uri,
      setImmediate(() => publish(uri)),
    );
  };
  const revalidateAll = () => {
    for (const d of documents.all()) schedule(d.uri);
    void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  };

  const withDoc =
    <P extends { textDocument: { uri: string } }, R>(fn: (doc: ReturnType<DocumentStore['get']>, p: P) => R, empty: R) =>
    (p: P): R => {
      const text = documents.get(p.textDocument.uri);
      return text ? fn(store.get(text), p) : empty;
    };
  const docByUri = (uri: string) => {
    const text = documents.get(uri);
    if (!text) throw new Error(`document ${uri} is not open`);
    return store.get(text);
  };
  const client = () => {
    if (!hostState) throw new Error('live features are off (no cnmd configured)');
    return hostState.client;
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as InitOptions;
    if ((init.live ?? options.live) !== false) {
      const api = new ApiClient(resolveHost(init.cnmHost ?? options.host));
      hostState = new HostState(api, revalidateAll, (m) => connection.console.info(m));
    }
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [':', ' ', '-'] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentHighlightProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix', 'refactor'] },
        codeLensProvider: { resolveProvider: false },
        documentSymbolProvider: true,
        executeCommandProvider: { commands: [APPLY_COMMAND, DIFF_COMMAND] },
      },
      serverInfo: { name: 'cnm-language-server', version: '0.1.0' },
    };
  });
  connection.onInitialized(() => hostState?.start());
  connection.onShutdown(() => hostState?.stop());

  documents.onDidChangeContent((e) => schedule(e.document.uri));
  documents.onDidClose((e) => {
    store.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCompletion(withDoc((d, p) => complete(d, p, host()), []));
  connection.onHover(withDoc((d, p) => hover(d, p, host()), null));
  connection.onDefinition(withDoc(definition, null));
  connection.onReferences(withDoc(references, []));
  connection.onDocumentHighlight(withDoc(highlight, []));
  connection.onPrepareRename(withDoc(prepareRename, null));
  connection.onRenameRequest(withDoc(rename, null));
  connection.onCodeAction(withDoc((d, p) => codeActions(d, p, host()), []));
  connection.onCodeLens(withDoc((d) => codeLenses(d, hostState?.connected ?? false), []));
  connection.onDocumentSymbol(withDoc(documentSymbols, []));

  connection.onRequest(DIFF_REQUEST, (p: { uri: string }) => diffDocument(docByUri(p.uri), client()));
  connection.onRequest(APPLY_REQUEST, (p: { uri: string }) => applyDocument(docByUri(p.uri), client()));
  connection.onExecuteCommand(async (p) => {
    const uri = String(p.arguments?.[0] ?? '');
    if (p.command === DIFF_COMMAND) return runDiffCommand(connection, docByUri(uri), client());
    if (p.command === APPLY_COMMAND) return runApplyCommand(connection, docByUri(uri), client(), () => hostState?.refresh());
    return undefined;
  });

  documents.listen(connection);
  connection.listen();
}
