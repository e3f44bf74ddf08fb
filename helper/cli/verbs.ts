// The verb registry: one line per verb. Files load lazily so `cnm network ls` only loads what it runs.
// To add a verb: write helper/cli/<name>.ts exporting `verb: Verb`, then add one line here.
import type { Verb } from './verb.js';

export interface VerbEntry {
  /** The words that select the verb, e.g. 'network ls'; aliases are other spellings ('network list'). */
  name: string;
  aliases?: string[];
  summary: string;
  load(): Promise<{ verb: Verb }>;
}

export const VERBS: VerbEntry[] = [
  { name: 'network ls', aliases: ['network list'], summary: 'List networks', load: () => import('./network-ls.js') },
  { name: 'network create', summary: 'Create a network', load: () => import('./network-create.js') },
  { name: 'network inspect', summary: 'Display detailed information on one or more networks', load: () => import('./network-inspect.js') },
  { name: 'network rm', aliases: ['network remove'], summary: 'Remove one or more networks', load: () => import('./network-rm.js') },
  { name: 'network connect', summary: 'Connect a sandbox to a network', load: () => import('./network-connect.js') },
  { name: 'network disconnect', summary: 'Disconnect a sandbox from a network', load: () => import('./network-disconnect.js') },
  {
    name: 'network move',
    summary: 'Move a network to a free subnet (or --subnet), reconnecting its sandboxes',
    load: () => import('./network-move.js'),
  },
  { name: 'network prune', summary: 'Remove all unused networks', load: () => import('./network-prune.js') },
  { name: 'sandbox create', summary: 'Create a sandbox (a network namespace)', load: () => import('./sandbox-create.js') },
  { name: 'sandbox ls', aliases: ['sandbox list'], summary: 'List sandboxes', load: () => import('./sandbox-ls.js') },
  { name: 'sandbox inspect', summary: 'Display detailed information on one or more sandboxes', load: () => import('./sandbox-inspect.js') },
  { name: 'sandbox rm', aliases: ['sandbox remove'], summary: 'Remove one or more sandboxes', load: () => import('./sandbox-rm.js') },
  { name: 'sandbox rename', summary: 'Rename a sandbox', load: () => import('./sandbox-rename.js') },
  {
    name: 'sandbox repair',
    summary: 'Re-make what a sandbox lost (namespace, links, addresses)',
    load: () => import('./sandbox-repair.js'),
  },
  {
    name: 'port ls',
    aliases: ['port list'],
    summary: 'List every published port and where it is reachable',
    load: () => import('./port-ls.js'),
  },
  { name: 'port', summary: "List a sandbox's port mappings", load: () => import('./port.js') },
  { name: 'exec', summary: 'Run a command inside a sandbox', load: () => import('./exec.js') },
  { name: 'dns ls', aliases: ['dns list'], summary: 'List the names the embedded DNS serves', load: () => import('./dns-ls.js') },
  { name: 'why', summary: 'Explain why a sandbox can or cannot reach another (--matrix: all pairs)', load: () => import('./why.js') },
  { name: 'node ls', aliases: ['node list'], summary: 'List the hosts of the cluster', load: () => import('./node-ls.js') },
  { name: 'apply', summary: 'Make the host match a topology or compose file', load: () => import('./apply.js') },
  { name: 'diff', summary: 'Show what apply would change on the host', load: () => import('./diff.js') },
  { name: 'lsp', summary: 'Run the language server for compose and topology files', load: () => import('./lsp.js') },
  { name: 'info', summary: "Display cnmd's version, drivers and the host's kernel features", load: () => import('./info.js') },
  { name: 'install', summary: 'Install cnmd as a service on this host (root)', load: () => import('./install.js') },
  {
    name: 'uninstall',
    summary: 'Stop cnmd and remove everything it made, its unit and group (root)',
    load: () => import('./uninstall.js'),
  },
  { name: 'cleanup', summary: 'Stop cnmd and remove every network, sandbox and file it made (root)', load: () => import('./cleanup.js') },
  { name: 'version', summary: 'Show the cnm and cnmd versions', load: () => import('./version.js') },
];
