// The real `docker` CLI against cnmd, compared with what it printed against Docker 20.10: every
// `docker network` subcommand and flag (cli/scenario.txt), run by cli/run-scenario.sh on a throwaway
// cnmd with sandboxes c1 and c2 on the default bridge, transcript for transcript with
// test/fixtures/docker/docker-cli-network-scenario.txt (cli/capture-docker.sh made it). Ids, times
// and the order of `{{.Labels}}` lists are the only things normalised; each command is a test of its own.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TestHost, execIn, sh } from '../integration/host.js';
import { isRoot } from '../root.js';
import { readDockerFixture } from '../fixtures/index.js';

const HERE = path.join(__dirname, 'cli');
const FIXTURE = 'docker-cli-network-scenario.txt';

/** Docker 20.10's own client when Debian's docker.io is installed (the fixture's), else the one on PATH. */
function dockerClient(): string | undefined {
  if (fs.existsSync('/usr/bin/docker')) return '/usr/bin/docker';
  return sh('docker', ['--version']).code === 0 ? 'docker' : undefined;
}

/**
 * Ids become <id1>, <id2>… in order of first appearance (a 12-digit one as the full id it begins),
 * times become <time>, and comma-joined `k=v` lists are sorted: the CLI's `{{.Labels}}` walks a Go
 * map, whose order is random on every run, against Docker as against cnmd. Two daemons that behave
 * alike then print the same text.
 */
export function normalise(transcript: string): string {
  const full = [...new Set(transcript.match(/\b[0-9a-f]{64}\b/g) ?? [])];
  const label = new Map(full.map((id, i) => [id, `<id${i + 1}>`]));
  let extra = full.length;
  return transcript
    .replace(/\b[0-9a-f]{64}\b/g, (id) => label.get(id)!)
    .replace(/\b[0-9a-f]{12}\b/g, (short) => {
      const id = full.find((f) => f.startsWith(short));
      if (id) return label.get(id)!;
      if (!label.has(short)) label.set(short, `<id${++extra}>`);
      return label.get(short)!;
    })
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC/g, '<time>')
    .replace(/(?<=^|\s)[^\s,=]+=[^\s,]*(,[^\s,=]+=[^\s,]*)+(?=\s|$)/gm, (list) => list.split(',').sort().join(','));
}

/** The transcript split per command: `$ docker …` → what followed it. */
export function blocks(transcript: string): Map<string, string> {
  const out = new Map<string, string>();
  let cmd: string | undefined;
  const lines: string[] = [];
  const flush = () => {
    if (cmd !== undefined) out.set(cmd, lines.join('\n'));
    lines.length = 0;
  };
  for (const line of transcript.split('\n')) {
    if (line.startsWith('$ docker ')) {
      flush();
      cmd = line.slice(2);
    } else if (cmd !== undefined && !line.startsWith('# ')) lines.push(line);
  }
  flush();
  return out;
}

const client = dockerClient();
const reason = !isRoot ? 'needs root: cnmd makes network namespaces' : !client ? 'no docker client binary on this machine' : undefined;
let host: TestHost | undefined;
let ours = new Map<string, string>();
const docker = blocks(normalise(readDockerFixture(FIXTURE)));

describe('docker network CLI: cnmd prints what Docker 20.10 prints', () => {
  before(async () => {
    if (reason) return;
    host = await TestHost.start('cli');
    host.mustCnm('sandbox', 'create', 'c1');
    host.mustCnm('sandbox', 'create', 'c2');
    const run = sh('bash', [path.join(HERE, 'run-scenario.sh'), client!, path.join(HERE, 'scenario.txt')], {
      env: { ...process.env, DOCKER_HOST: host.hostUrl },
      timeout: 300_000,
    });
    ours = blocks(normalise(run.stdout));
  });
  after(async () => {
    await host?.destroy();
  });

  // What the transcript cannot show: the kernel and the embedded DNS did what connect promised.
  test('--link-local-ip is on the interface, and --link c2:db resolves from c1 only', (t) => {
    if (reason) return t.skip(reason);
    const cli = (...args: string[]) => sh(client!, args, { env: { ...process.env, DOCKER_HOST: host!.hostUrl } });
    assert.equal(cli('network', 'create', '--subnet', '10.96.0.0/24', 'cf-ll').code, 0);
    assert.equal(cli('network', 'connect', '--ip', '10.96.0.20', 'cf-ll', 'c2').code, 0);
    const conn = cli('network', 'connect', '--link', 'c2:db', '--link-local-ip', '169.254.10.10', 'cf-ll', 'c1');
    assert.equal(conn.code, 0, conn.stderr);
    assert.match(execIn(host!, 'c1', 'ip', '-4', 'addr', 'show').stdout, /inet 169\.254\.10\.10\/16 /);
    assert.equal(execIn(host!, 'c1', 'dig', '+short', '+tries=1', '+time=2', 'db').stdout.trim(), '10.96.0.20');
    assert.equal(execIn(host!, 'c2', 'dig', '+short', '+tries=1', '+time=2', 'db').stdout.trim(), '', "the alias is c1's alone");
    for (const c of ['c1', 'c2']) assert.equal(cli('network', 'disconnect', 'cf-ll', c).code, 0);
    assert.equal(cli('network', 'rm', 'cf-ll').code, 0);
  });

  for (const [cmd, expected] of docker) {
    test(cmd, (t) => {
      if (reason) return t.skip(reason);
      assert.ok(ours.has(cmd), `the scenario did not run: ${cmd}`);
      assert.equal(ours.get(cmd), expected);
    });
  }
});
