// Issue 3 through a real cnmd: the embedded DNS at 127.0.0.11 in every sandbox, queried with
// real `dig` from inside the sandboxes, with changes visible on the very next query.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { TestHost, execIn, mustSh } from './host.js';
import { isRoot, needsRoot } from '../root.js';

let host: TestHost;
before(async () => {
  if (!isRoot) return;
  host = await TestHost.start('dns');
});
after(async () => {
  if (!isRoot) return;
  await host?.destroy();
});

/** Not answered from cnm's records: forwarded, and with no upstream in a test host that fails. */
function unresolved(r: { status: string; answers: string[] }): boolean {
  return r.answers.length === 0 && (r.status === 'NXDOMAIN' || r.status === 'SERVFAIL');
}

function dig(sandbox: string, ...args: string[]): { status: string; answers: string[]; raw: string } {
  const raw = execIn(host, sandbox, 'dig', '+tries=1', '+time=3', ...args).stdout;
  const status = /status: (\w+)/.exec(raw)?.[1] ?? 'NONE';
  const answer = /;; ANSWER SECTION:\n([\s\S]*?)\n\n/.exec(raw)?.[1] ?? '';
  return {
    status,
    answers: answer
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(/\s+/).pop()!),
    raw,
  };
}

test("the seeds' scenario: names on user-defined networks only, scoped to shared networks", needsRoot, () => {
  host.mustCnm('network', 'create', 'isolated_nw', '--subnet', '172.25.0.0/16');
  host.mustCnm('sandbox', 'create', 'container1'); // default bridge only
  host.mustCnm('sandbox', 'create', 'container2', '--net', 'isolated_nw');
  host.mustCnm('network', 'connect', 'bridge', 'container2');
  host.mustCnm('sandbox', 'create', 'container3', '--net', 'isolated_nw', '--ip', '172.25.3.3');

  assert.match(execIn(host, 'container2', 'cat', '/etc/resolv.conf').stdout, /^nameserver 127\.0\.0\.11$/m);
  assert.match(execIn(host, 'container2', 'cat', '/etc/resolv.conf').stdout, /options ndots:0/);
  assert.doesNotMatch(execIn(host, 'container1', 'cat', '/etc/resolv.conf').stdout, /127\.0\.0\.11/, 'default bridge: host upstreams');

  assert.deepEqual(dig('container2', 'container3').answers, ['172.25.3.3']);
  assert.deepEqual(dig('container2', 'container3.isolated_nw').answers, ['172.25.3.3']);
  assert.deepEqual(dig('container2', 'CONTAINER3').answers, ['172.25.3.3'], 'case-insensitive');
  assert.equal(execIn(host, 'container2', 'ping', '-c1', '-W1', 'container3').code, 0, 'ping by name');
  assert.ok(unresolved(dig('container3', 'container1')), 'container1 is only on the default bridge');

  host.mustCnm('network', 'disconnect', 'isolated_nw', 'container3');
  assert.ok(unresolved(dig('container2', 'container3')), 'gone on the next query after disconnect');
  host.mustCnm('network', 'connect', 'isolated_nw', 'container3');
  assert.equal(dig('container2', 'container3').answers.length, 1, 'back on the next query after connect');
});

test('aliases are shared and answered round-robin; PTR; TTL 600; dns ls lists the records', needsRoot, () => {
  host.mustCnm('sandbox', 'create', 'web1', '--net', 'isolated_nw', '--alias', 'web');
  host.mustCnm('sandbox', 'create', 'web2');
  host.mustCnm('network', 'connect', '--alias', 'web', 'isolated_nw', 'web2');
  const first = dig('container2', 'web').answers;
  assert.equal(first.length, 2);
  const orders = new Set([first.join(','), ...Array.from({ length: 3 }, () => dig('container2', 'web').answers.join(','))]);
  assert.ok(orders.size > 1, `answers rotate: ${[...orders].join(' | ')}`);
  const ptr = dig('container2', '-x', dig('container2', 'container3').answers[0]);
  assert.match(ptr.answers[0] ?? '', /^container3\.isolated_nw\.$/);
  assert.match(dig('container2', 'web1').raw, /\b600\s+IN\s+A\b/);
  const ls = host.mustCnm('dns', 'ls', 'isolated_nw');
  assert.match(ls, /isolated_nw\s+web\s+A\s+\S+\s+web1/);
  assert.match(ls, /isolated_nw\s+web\s+A\s+\S+\s+web2/);
});

test('AAAA on an IPv6 network; NODATA vs NXDOMAIN', needsRoot, () => {
  host.mustCnm('network', 'create', '--ipv6', '--subnet', 'fd00:dd::/64', 'v6net');
  host.mustCnm('sandbox', 'create', 'six1', '--net', 'v6net');
  host.mustCnm('sandbox', 'create', 'six2', '--net', 'v6net');
  const aaaa = dig('six1', 'AAAA', 'six2');
  assert.equal(aaaa.answers.length, 1);
  assert.match(aaaa.answers[0], /^fd00:dd::/);
  assert.equal(execIn(host, 'six1', 'ping', '-6', '-c1', '-W1', aaaa.answers[0]).code, 0, 'IPv6 dataplane works');
  const nodata = dig('container2', 'AAAA', 'container3');
  assert.equal(nodata.status, 'NOERROR');
  assert.equal(nodata.answers.length, 0);
  assert.ok(unresolved(dig('container2', 'nosuchname')));
});

test('other names are forwarded to the upstream (--dns); internal networks do not forward', needsRoot, async (t) => {
  // An upstream DNS server in a namespace of its own, linked to the test host's namespace.
  const up = `${host.ns}-up`;
  mustSh('ip', ['netns', 'add', up]);
  let server: ChildProcess | undefined;
  t.after(() => {
    server?.kill('SIGKILL');
    mustSh('ip', ['netns', 'delete', up]);
  });
  mustSh('ip', ['link', 'add', 'upa', 'netns', host.ns, 'type', 'veth', 'peer', 'name', 'upb', 'netns', up]);
  mustSh('ip', ['-n', host.ns, 'addr', 'add', '10.253.0.1/24', 'dev', 'upa']);
  mustSh('ip', ['-n', host.ns, 'link', 'set', 'upa', 'up']);
  mustSh('ip', ['-n', up, 'addr', 'add', '10.253.0.2/24', 'dev', 'upb']);
  mustSh('ip', ['-n', up, 'link', 'set', 'upb', 'up']);
  mustSh('ip', ['-n', up, 'link', 'set', 'lo', 'up']);
  const code = `
    const dgram = require('node:dgram'); const pkt = require('dns-packet');
    const s = dgram.createSocket('udp4');
    s.on('message', (m, r) => { const q = pkt.decode(m);
      const a = pkt.encode({ id: q.id, type: 'response', flags: pkt.RECURSION_DESIRED | pkt.RECURSION_AVAILABLE, questions: q.questions,
        answers: [{ type: 'A', name: q.questions[0].name, ttl: 42, data: '198.51.100.7' }], additionals: q.additionals });
      s.send(a, r.port, r.address); });
    s.bind(53, '10.253.0.2', () => console.log('ready'));`;
  server = spawn('ip', ['netns', 'exec', up, process.execPath, '-e', code], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    server!.stdout!.once('data', () => resolve());
    server!.once('exit', (c) => reject(new Error(`upstream exited ${c}`)));
  });
  host.mustCnm('sandbox', 'create', 'fwd1', '--net', 'isolated_nw', '--dns', '10.253.0.2');
  const fwd = dig('fwd1', 'example.test');
  assert.deepEqual(fwd.answers, ['198.51.100.7'], fwd.raw);
  assert.match(fwd.raw, /OPT PSEUDOSECTION/, 'EDNS kept in the forwarded answer');

  host.mustCnm('network', 'create', '--internal', 'inner');
  host.mustCnm('sandbox', 'create', 'int1', '--net', 'inner', '--dns', '10.253.0.2');
  host.mustCnm('sandbox', 'create', 'int2', '--net', 'inner');
  const internal = dig('int1', 'example.test');
  assert.notEqual(internal.answers[0], '198.51.100.7', 'internal networks do not forward');
  assert.equal(dig('int1', 'int2').answers.length, 1, 'names on the internal network still resolve');

  server.kill('SIGKILL');
  const started = Date.now();
  const down = dig('fwd1', 'other.test');
  assert.equal(down.status, 'SERVFAIL');
  assert.ok(Date.now() - started < 2500, `SERVFAIL came after ${Date.now() - started} ms`);
});

test('a renamed sandbox answers to its new name on the next query, not the old one', needsRoot, () => {
  host.mustCnm('sandbox', 'create', 'oldname', '--net', 'isolated_nw');
  assert.equal(dig('container2', 'oldname').answers.length, 1);
  host.mustCnm('sandbox', 'rename', 'oldname', 'newname');
  assert.equal(dig('container2', 'newname').answers.length, 1, 'new name resolves at once');
  assert.ok(unresolved(dig('container2', 'oldname')), 'old name is gone at once');
  assert.match(execIn(host, 'newname', 'cat', '/etc/hosts').stdout, /\bnewname\b/);
  host.mustCnm('sandbox', 'rm', 'newname');
  assert.ok(unresolved(dig('container2', 'newname')), 'removed: gone at once');
});
