// cnm diff / cnm apply against the API server backed by the in-memory controller.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../api/testing/harness.js';
import { CONFIRM } from './apply.js';
import { runCli } from './testing.js';

describe('cnm apply / cnm diff', () => {
  let h: Harness;
  let dir: string;
  const cnm = (argv: string[], input?: string[]) => runCli(argv, { host: `unix://${h.socketPath}`, input });
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  before(async () => {
    h = await startHarness();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-apply-'));
  });
  after(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('diff shows the plan; --exit-code says whether there are changes', async () => {
    const file = write(
      'lab.cnm.yaml',
      'networks:\n  n1:\n    ipam:\n      config:\n        - subnet: 10.98.0.0/24\nsandboxes:\n  s1:\n    networks: [n1]\n',
    );
    const r = await cnm(['diff', '-f', file, '--exit-code']);
    assert.deepEqual(r, { code: 1, stdout: '+ create network n1 (bridge, 10.98.0.0/24)\n+ create sandbox s1 on n1\n', stderr: '' });
  });

  it('apply asks, does nothing on no, applies on yes, and is then a no-op', async () => {
    const file = path.join(dir, 'lab.cnm.yaml');
    const no = await cnm(['apply', '-f', file], ['n']);
    assert.equal(no.stdout.endsWith(CONFIRM), true);
    assert.ok(!h.controller.networks.some((n) => n.Name === 'n1'));
    const yes = await cnm(['apply', '-f', file], ['y']);
    assert.equal(yes.code, 0, yes.stderr);
    assert.match(yes.stdout, /\[1\/2\] create network n1 .*\n\[2\/2\] create sandbox s1 on n1\nApplied 2 step\(s\)\.\n$/);
    const again = await cnm(['diff', '-f', file, '--exit-code']);
    assert.deepEqual(again, { code: 0, stdout: 'No changes: the host matches the file.\n', stderr: '' });
  });

  it('compose files work too; an external network missing blocks apply', async () => {
    const file = write('compose.yaml', 'services:\n  web:\n    networks: [ext]\nnetworks:\n  ext:\n    external: true\n    name: absent\n');
    const r = await cnm(['apply', '-y', '-f', file]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^! external network "absent" does not exist on the host$/m);
  });

  it('errors name the file', async () => {
    const bad = write('bad.cnm.yaml', 'sandboxes:\n  s:\n    networks: [nope]\n');
    const r = await cnm(['diff', '-f', bad]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /bad\.cnm\.yaml: network "nope" is used but not defined/);
    const missing = await cnm(['diff']);
    assert.match(missing.stderr, /"--file" is required/);
  });
});
