// Starts the language server (dist/language-server.js, bundled beside the extension) over stdio
// with the extension host's own Node. A missing bundle is not an error: the views still work.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node.js';

export async function startLanguageClient(ctx: vscode.ExtensionContext, hostUrl: () => string): Promise<LanguageClient | undefined> {
  const module = vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'language-server.js').fsPath;
  if (!fs.existsSync(module)) return undefined;
  const run = {
    command: process.execPath,
    args: [module, '--stdio'],
    transport: TransportKind.stdio,
    options: { env: { ...process.env, CNM_HOST: hostUrl() } },
  };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'yaml', pattern: '**/*.cnm.yaml' }, { language: 'dockercompose' }],
  };
  const client = new LanguageClient('cnm', 'Container Networks Language Server', serverOptions, clientOptions);
  await client.start();
  return client;
}
