// The extension's Ping… and Open Terminal commands run `cnm exec` through execSpec; here that exact
// command line runs against a real cnmd and real sandboxes, as the extension host would run it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { TestHost, CNM } from './host.js';
import { execSpec, summarizePing } from '../../extension/core/exec.js';
import { parseHostUrl } from '../../extension/core/hostUrl.js';
import type { SandboxView } from '../../model/cnm.js';
import { isRoot, needsRoot } from '../root.js';

let host: TestHost;
before(async () => {
  if (!isRoot) return;
  host = await TestHost.start('extexec');
});
after(async () => {
  if (!isRoot) return;
  await host?.destroy();
});

function runSpec(argv: string[], sandbox: string, input?: string) {
  const spec = execSpec(parseHostUrl(host.hostUrl), { node: process.execPath, cli: CNM }, sandbox, argv, false);
  return spawnSync(spec.file, spec.args, { env: { ...process.env, ...spec.env }, encoding: 'utf8', input, timeout: 20_000 });
}

test("Ping…'s command line pings from one sandbox to another and the summary reads it", needsRoot, () => {
  host.mustCnm('network', 'create', 'pingnet');
  host.mustCnm('sandbox', 'create', 'p1', '--net', 'pingnet');
  host.mustCnm('sandbox', 'create', 'p2', '--net', 'pingnet');
  const to = (JSON.parse(host.mustCnm('sandbox', 'inspect', 'p2'))[0] as SandboxView).endpoints[0].ipv4!.split('/')[0];
  const r = runSpec(['ping', '-c', '3', '-W', '1', to], 'p1');
  assert.equal(r.status, 0, r.stderr);
  assert.match(summarizePing(r.stdout) ?? '', /^3\/3 replies, avg [\d.]+ ms$/);
  // An address of pingnet that nobody holds: inside the test's own namespaces, and unreachable.
  const unheld = to.replace(/\.\d+$/, '.250');
  const bad = runSpec(['ping', '-c', '1', '-W', '1', unheld], 'p1');
  assert.notEqual(bad.status, 0, 'an unreachable address fails, and the exit code comes back');
});

test("Open Terminal's command line starts a shell inside the sandbox", needsRoot, () => {
  const r = runSpec(['sh'], 'p1', 'ip -o -4 addr show dev eth0; cat /etc/hostname >/dev/null 2>&1; exit 7\n');
  assert.equal(r.status, 7, 'the shell ran in the sandbox and its exit code came back');
  assert.match(r.stdout, /eth0\s+inet /);
});
