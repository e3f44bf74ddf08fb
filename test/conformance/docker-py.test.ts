// The Docker SDK for Python's own network tests (tests/integration/api_network_test.py and
// models_networks_test.py, of the python3-docker version Debian installs) against a throwaway
// cnmd, with docker-py/cnm_shim.py letting a cnm sandbox play each container. The sources are
// fetched at test time (docker-py/fetch-tests.sh), never committed. Each pytest test is reported
// here as a test of its own: passed, failed, or skipped with the API it needs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestHost, sh } from '../integration/host.js';
import { isRoot } from '../root.js';

const HERE = path.join(__dirname, 'docker-py');
const PY = '/usr/bin/python3';
const FILES = ['tests/integration/api_network_test.py', 'tests/integration/models_networks_test.py'];

interface Case {
  id: string;
  outcome: 'passed' | 'failed' | 'skipped';
  detail: string;
}

/** Why the suite cannot run here, or undefined when it can. */
function unavailable(src: string): string | undefined {
  if (!isRoot) return 'needs root: cnmd makes network namespaces';
  const mods = sh(PY, ['-c', 'import docker, pytest, paramiko']);
  if (mods.code !== 0)
    return `Debian's python3-docker, python3-pytest and python3-paramiko are needed (${mods.stderr.trim().split('\n').pop()})`;
  const got = sh('bash', [path.join(HERE, 'fetch-tests.sh'), src]);
  if (got.code !== 0) return got.stderr.trim() || `fetch-tests.sh exited ${got.code}`;
  return undefined;
}

/** The test cases of a JUnit XML report (pytest --junitxml). */
function parseJunit(xml: string): Case[] {
  const cases: Case[] = [];
  for (const m of xml.matchAll(/<testcase ([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const attr = (k: string) => new RegExp(`(?:^|\\s)${k}="([^"]*)"`).exec(m[1]!)?.[1] ?? '';
    const body = m[3] ?? '';
    const id = `${attr('classname').split('.').pop()}::${attr('name')}`;
    const failure = /<(failure|error)[^>]*message="([^"]*)"/.exec(body);
    const skipped = /<skipped[^>]*message="([^"]*)"/.exec(body);
    if (failure) cases.push({ id, outcome: 'failed', detail: unescape(failure[2]!) + '\n' + unescape(body).slice(0, 3000) });
    else if (skipped) cases.push({ id, outcome: 'skipped', detail: unescape(skipped[1]!) });
    else cases.push({ id, outcome: 'passed', detail: '' });
  }
  return cases;
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#10;': '\n', '&amp;': '&' };
const unescape = (s: string) => s.replace(/&(lt|gt|quot|#10|amp);/g, (e) => ENTITIES[e]!);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-dockerpy-'));
const reason = unavailable(path.join(work, 'src'));
let host: TestHost | undefined;
let cases: Case[] = [];
let pytestOut = '';

describe('docker-py network tests against cnmd', () => {
  before(async () => {
    if (reason) return;
    host = await TestHost.start('dpy');
    const junit = path.join(work, 'junit.xml');
    const run = sh(PY, ['-m', 'pytest', '-p', 'cnm_shim', '-p', 'no:cacheprovider', '-q', '-rs', `--junitxml=${junit}`, ...FILES], {
      env: {
        PATH: process.env.PATH,
        PYTHONPATH: HERE,
        PYTHONDONTWRITEBYTECODE: '1',
        DOCKER_HOST: host.hostUrl,
      },
      cwd: path.join(work, 'src'),
      timeout: 600_000,
    });
    pytestOut = run.stdout + run.stderr;
    cases = fs.existsSync(junit) ? parseJunit(fs.readFileSync(junit, 'utf8')) : [];
  });
  after(async () => {
    await host?.destroy();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('pytest ran the network tests', (t) => {
    if (reason) return t.skip(reason);
    assert.ok(cases.length >= 30, `expected the network tests, got ${cases.length}:\n${pytestOut.slice(-4000)}`);
    assert.ok(!/skip-list entries that name no collected test/.test(pytestOut), pytestOut.slice(-2000));
  });

  // One node test per pytest test; they are known only once pytest has run, so this is a loop
  // over the results inside one test with a subtest each.
  test('each docker-py test passes, or is skipped for an API cnmd does not serve', async (t) => {
    if (reason) return t.skip(reason);
    for (const c of cases) {
      await t.test(c.id, (st) => {
        if (c.outcome === 'skipped') {
          assert.match(c.detail, /^needs (swarm|containers|images) API/, `skipped outside the skip list: ${c.detail}`);
          return st.skip(c.detail);
        }
        assert.equal(c.outcome, 'passed', c.detail);
      });
    }
  });
});
