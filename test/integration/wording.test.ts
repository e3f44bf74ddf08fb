// cnm's own CLI speaks of sandboxes and names the network a new pool overlaps; the real docker CLI,
// against the same cnmd, still gets Docker's exact text (cnm's detail rides beside it in the body).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { TestHost, sh } from './host.js';
import { isRoot, needsRoot } from '../root.js';

let host: TestHost;
let ins01: string;
before(async () => {
  if (!isRoot) return;
  host = await TestHost.start('word');
  host.mustCnm('network', 'create', '--subnet', '10.77.0.0/24', 'frontend');
  ins01 = host.mustCnm('sandbox', 'create', 'ins01', '--net', 'frontend').trim();
});
after(async () => {
  if (!isRoot) return;
  await host?.destroy();
});

const docker = (...args: string[]) => sh('docker', args, { env: { ...process.env, DOCKER_HOST: host.hostUrl } });
const linkNames = () => [...host.inHost('ip', '-o', 'link').stdout.matchAll(/^\d+: ([^:@]+)/gm)].map((m) => m[1]);

function failsWith(run: { code: number; stderr: string }, stderr: string): void {
  assert.notEqual(run.code, 0);
  assert.equal(run.stderr, stderr);
}

test('cnm: sandboxes are sandboxes, an overlap names the network, a mistyped command gets a suggestion', needsRoot, () => {
  const before = linkNames();
  failsWith(host.cnm('network', 'connect', 'frontend', 'nosuchbox'), 'Error response from daemon: No such sandbox: nosuchbox\n');
  failsWith(host.cnm('sandbox', 'inspect', 'nosuchbox'), 'Error response from daemon: No such sandbox: nosuchbox\n');
  failsWith(host.cnm('sandbox', 'rm', 'nosuchbox'), 'Error response from daemon: No such sandbox: nosuchbox\n');
  failsWith(
    host.cnm('sandbox', 'create', 'ins01'),
    `Error response from daemon: The sandbox name "ins01" is already in use by sandbox "${ins01}". You have to remove (or rename) that sandbox to be able to reuse that name.\n`,
  );
  failsWith(
    host.cnm('network', 'create', '--subnet', '10.77.0.0/16', 'wider'),
    'Error response from daemon: Pool 10.77.0.0/16 overlaps with network "frontend" (10.77.0.0/24) on this address space\n',
  );
  host.mustCnm('sandbox', 'create', 'ins02', '--net', 'none');
  failsWith(
    host.cnm('network', 'disconnect', 'frontend', 'ins02'),
    'Error response from daemon: sandbox ins02 is not connected to network frontend\n',
  );
  failsWith(
    host.cnm('sandbox', 'create', 'bad*name'),
    'Error response from daemon: Invalid sandbox name (bad*name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed\n',
  );
  failsWith(host.cnm('netwrok', 'ls'), "cnm: 'netwrok' is not a cnm command.\n\nDid you mean this?\n\tnetwork\n\nSee 'cnm --help'\n");
  assert.deepEqual(linkNames(), before, 'failed requests leave no links');
  assert.doesNotMatch(host.mustCnm('network', 'ls', '--format', '{{.Name}}'), /wider/);
});

test("the docker CLI gets Docker's exact text from the same cnmd", needsRoot, (t) => {
  if (sh('docker', ['--version']).code !== 0) return t.skip('no docker client binary on this machine');
  failsWith(docker('network', 'connect', 'frontend', 'nosuchbox'), 'Error response from daemon: No such container: nosuchbox\n');
  failsWith(
    docker('network', 'create', '--subnet', '10.77.0.0/16', 'wider'),
    'Error response from daemon: Pool overlaps with other one on this address space\n',
  );
  const ins02 = JSON.parse(host.mustCnm('sandbox', 'inspect', 'ins02'))[0].id as string;
  failsWith(
    docker('network', 'disconnect', 'frontend', 'ins02'),
    `Error response from daemon: container ${ins02} is not connected to network frontend\n`,
  );
});

test("the Docker API body: Docker's message, cnm's detail beside it", needsRoot, async () => {
  const payload = JSON.stringify({ Name: 'wider', IPAM: { Config: [{ Subnet: '10.77.0.128/25' }] } });
  const body = await new Promise<string>((resolve, reject) => {
    const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) };
    // A fresh connection: a pooled keep-alive one may already be closed by cnmd (EPIPE).
    const req = http.request({ socketPath: host.socket, method: 'POST', path: '/v1.41/networks/create', headers, agent: false }, (res) => {
      let text = '';
      res
        .setEncoding('utf8')
        .on('data', (c) => (text += c))
        .on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(payload);
  });
  assert.deepEqual(JSON.parse(body), {
    message: 'Pool overlaps with other one on this address space',
    cnm: { reason: 'pool-overlap', subnet: '10.77.0.128/25', pool: '10.77.0.0/24', overlaps: 'frontend' },
  });
});
