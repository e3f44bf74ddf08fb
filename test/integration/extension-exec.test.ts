// The extension's Ping… and Open Terminal in Sandbox run through cnmd's exec API (the client the
// extension uses: dockerode's socket + transport/exec); here against a real cnmd and real sandboxes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestHost } from './host.js';
import { DockerodeClient } from '../../extension/core/dockerClient.js';
import { summarizePing } from '../../extension/core/exec.js';
import { execToCompletion, SandboxTerminal } from '../../extension/core/terminal.js';
import type { SandboxView } from '../../model/cnm.js';
import { isRoot, needsRoot } from '../root.js';

let host: TestHost;
let client: DockerodeClient;
before(async () => {
  if (!isRoot) return;
  host = await TestHost.start('extexec');
  client = new DockerodeClient(host.socket);
});
after(async () => {
  if (!isRoot) return;
  await host?.destroy();
});

test('Ping… pings from one sandbox to another and the summary reads it', needsRoot, async () => {
  host.mustCnm('network', 'create', 'pingnet');
  host.mustCnm('sandbox', 'create', 'p1', '--net', 'pingnet');
  host.mustCnm('sandbox', 'create', 'p2', '--net', 'pingnet');
  const to = (JSON.parse(host.mustCnm('sandbox', 'inspect', 'p2'))[0] as SandboxView).endpoints[0].ipv4!.split('/')[0];
  const r = await execToCompletion(client, 'p1', ['ping', '-c', '3', '-W', '1', to]);
  assert.equal(r.code, 0, r.output);
  assert.match(summarizePing(r.output) ?? '', /^3\/3 replies, avg [\d.]+ ms$/);
  // An address of pingnet that nobody holds: inside the test's own namespaces, and unreachable.
  const bad = await execToCompletion(client, 'p1', ['ping', '-c', '1', '-W', '1', to.replace(/\.\d+$/, '.250')]);
  assert.notEqual(bad.code, 0, 'an unreachable address fails, and the exit code comes back');
});

test('Open Terminal: a shell with a TTY in the sandbox, sized and resized by the editor, exit code at the end', needsRoot, async () => {
  let text = '';
  let exitCode: number | undefined;
  const term = new SandboxTerminal(client, 'p1', { write: (t) => (text += t), close: (c) => (exitCode = c) });
  const opened = term.open({ rows: 33, columns: 111 });
  const seen = async (re: RegExp) => {
    for (let i = 0; i < 500 && !re.test(text); i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(text, re);
  };
  term.input('stty size; ip -o -4 addr show dev eth0\r');
  await seen(/33 111[^]*eth0\s+inet /);
  term.resize({ rows: 44, columns: 99 });
  term.input('stty size; exit 7\r');
  await opened;
  assert.match(text, /44 99/);
  assert.equal(exitCode, 7);
});
