// Entry of the bundled server (dist/language-server.js): LSP over stdio, or --node-ipc / --socket as
// vscode-languageserver reads them from argv. `--cnm-host URL` picks cnmd for the live features.
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node.js';
import { startServer } from './server.js';

const flag = process.argv.indexOf('--cnm-host');
startServer(createConnection(ProposedFeatures.all), { host: flag > 0 ? process.argv[flag + 1] : undefined });
