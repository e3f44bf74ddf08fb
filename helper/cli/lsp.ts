// cnm lsp --stdio: the language server for compose and *.cnm.yaml files (the same one the VS Code
// extension bundles), for Neovim, Helix or any LSP client. Live features use the daemon -H names.
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node.js';
import { startServer } from '../../language-server/server.js';
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: '--stdio',
  summary: 'Run the language server for compose and topology files',
  args: [0, 0],
  flags: [{ name: 'stdio', type: 'bool', help: 'Speak LSP on stdin/stdout (the only transport)' }],
  run(_args, { client }) {
    startServer(createConnection(ProposedFeatures.all, process.stdin, process.stdout), { host: client.host });
    // The server ends the process on the client's `exit`; until then stdin keeps it alive.
    return new Promise((resolve) => process.stdin.on('end', () => resolve(0)));
  },
};
