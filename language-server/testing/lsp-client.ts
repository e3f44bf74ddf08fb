// Drives the real server over in-process streams, as an editor would: initialize, open/change
// documents, send requests, and wait for the diagnostics of a given version.
import { PassThrough } from 'node:stream';
import {
  StreamMessageReader,
  StreamMessageWriter,
  createConnection,
  createProtocolConnection,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextEdit,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startServer } from '../server.js';

export interface TestClient {
  conn: ProtocolConnection;
  /** Messages the server showed (window/showMessage and showMessageRequest). */
  messages: string[];
  /** Answer to give window/showMessageRequest (the button title), default: none. */
  answer: string | undefined;
  open(uri: string, text: string): Promise<Diagnostic[]>;
  change(uri: string, text: string): Promise<Diagnostic[]>;
  text(uri: string): string;
  /** Applies edits to the client's copy and sends them; resolves with the new version's diagnostics. */
  applyEdits(uri: string, edits: TextEdit[]): Promise<Diagnostic[]>;
  /** Waits until the diagnostics for `uri` satisfy `pred` (e.g. after the host changed). */
  diagnosticsWhere(uri: string, pred: (ds: Diagnostic[]) => boolean, timeoutMs?: number): Promise<Diagnostic[]>;
  close(): Promise<void>;
}

export async function startTestClient(init: { cnmHost?: string; live?: boolean } = { live: false }): Promise<TestClient> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  startServer(createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient)));
  const conn = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const docs = new Map<string, TextDocument>();
  const waiters: Array<{ uri: string; version?: number; resolve: (d: Diagnostic[]) => void }> = [];
  const client: TestClient = {
    conn,
    messages: [],
    answer: undefined,
    async open(uri, text) {
      docs.set(uri, TextDocument.create(uri, 'yaml', 1, text));
      const wait = waitFor(uri, 1);
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
      return wait;
    },
    async change(uri, text) {
      const old = docs.get(uri)!;
      const doc = TextDocument.create(uri, 'yaml', old.version + 1, text);
      docs.set(uri, doc);
      const wait = waitFor(uri, doc.version);
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: [{ text }] });
      return wait;
    },
    text: (uri) => docs.get(uri)!.getText(),
    async applyEdits(uri, edits) {
      // Sent as incremental changes, as editors do; applied last-first so ranges stay valid.
      const old = docs.get(uri)!;
      const doc = TextDocument.create(uri, 'yaml', old.version + 1, TextDocument.applyEdits(old, edits));
      docs.set(uri, doc);
      const sorted = [...edits].sort((a, b) => old.offsetAt(b.range.start) - old.offsetAt(a.range.start));
      const wait = waitFor(uri, doc.version);
      await conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: doc.version },
        contentChanges: sorted.map((e) => ({ range: e.range, text: e.newText })),
      });
      return wait;
    },
    async diagnosticsWhere(uri, pred, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      let last = latest.get(uri) ?? [];
      while (!pred(last)) {
        if (Date.now() > deadline)
          throw new Error(`diagnostics for ${uri} never matched; last: ${JSON.stringify(last.map((d) => d.code))}`);
        last = await Promise.race([waitFor(uri), new Promise<Diagnostic[]>((r) => setTimeout(() => r(latest.get(uri) ?? []), 200))]);
      }
      return last;
    },
    async close() {
      await conn.sendRequest('shutdown');
      conn.dispose();
      toServer.end();
      toClient.end();
    },
  };
  const waitFor = (uri: string, version?: number) => new Promise<Diagnostic[]>((resolve) => waiters.push({ uri, version, resolve }));
  const latest = new Map<string, Diagnostic[]>();
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    latest.set(p.uri, p.diagnostics);
    const i = waiters.findIndex((w) => w.uri === p.uri && (w.version === undefined || w.version === p.version));
    if (i >= 0) waiters.splice(i, 1)[0].resolve(p.diagnostics);
  });
  conn.onNotification('window/showMessage', (p: { message: string }) => client.messages.push(p.message));
  conn.onNotification('window/logMessage', () => undefined);
  conn.onRequest('window/showMessageRequest', (p: { message: string }) => {
    client.messages.push(p.message);
    return client.answer ? { title: client.answer } : null;
  });
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onNotification('$/progress', () => undefined);
  conn.onRequest('workspace/codeLens/refresh', () => null);
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: null,
    rootUri: null,
    capabilities: { window: { workDoneProgress: true } },
    initializationOptions: init,
  });
  await conn.sendNotification('initialized', {});
  return client;
}
