// Issue 11 against a real cnmd in a throwaway host namespace: published ports reached from a
// client namespace routed to the host, from the host itself (its address and 127.0.0.1), by
// hairpin; the server (node, inside the sandbox) records the client's address; UDP; random host
// ports; ranges; conflicts with Docker's wording and no rule left behind; host_binding_ipv4;
// legacy links in /etc/hosts; IPv6 egress (NAT66) to a namespace acting as an IPv6 router.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { TestHost, mustSh, sh } from './host.js';
import type { SandboxView } from '../../model/cnm.js';
import type { PublishedPort } from '../../model/ports.js';
import { isRoot, needsRoot } from '../root.js';

const CLIENT = `t-pcli-${process.pid}`;
const HOST_IP = '192.0.2.1';
const CLIENT_IP = '192.0.2.2';
const HOST_IP6 = '2001:db8:11::1';
const CLIENT_IP6 = '2001:db8:11::2';

let host: TestHost;
const servers: ChildProcess[] = [];

before(async () => {
  if (!isRoot) return;
  host = await TestHost.start('ports', {
    setup: (h) => {
      // The client: its own namespace, one veth to the host, routed through it.
      mustSh('ip', ['netns', 'add', CLIENT]);
      mustSh('ip', ['-n', CLIENT, 'link', 'set', 'lo', 'up']);
      mustSh('ip', ['link', 'add', 'pc0', 'netns', h.ns, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', CLIENT]);
      for (const [ns, ip, ip6] of [
        [h.ns, HOST_IP, HOST_IP6],
        [CLIENT, CLIENT_IP, CLIENT_IP6],
      ] as const) {
        const dev = ns === CLIENT ? 'eth0' : 'pc0';
        mustSh('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', dev]);
        mustSh('ip', ['-n', ns, 'addr', 'add', `${ip6}/64`, 'dev', dev, 'nodad']);
        mustSh('ip', ['-n', ns, 'link', 'set', dev, 'up']);
      }
      mustSh('ip', ['-n', CLIENT, 'route', 'add', 'default', 'via', HOST_IP]);
      // The client is the host's IPv6 router (the "outside" for IPv6 egress).
      mustSh('ip', ['-n', h.ns, '-6', 'route', 'add', 'default', 'via', CLIENT_IP6]);
    },
  });
});

after(async () => {
  if (!isRoot) return;
  for (const s of servers) if (s.exitCode === null) s.kill('SIGKILL');
  sh('ip', ['netns', 'delete', CLIENT]);
  await host?.destroy();
});

const sandbox = (name: string): SandboxView => JSON.parse(host.mustCnm('sandbox', 'inspect', name))[0];
const nsOf = (name: string) => sandbox(name).netnsPath;

/**
 * A server inside `netns` that answers each TCP connection / UDP datagram with the peer's address.
 * UDP binds one address: the embedded DNS holds 127.0.0.11:53 in every sandbox.
 */
async function serve(netns: string, proto: 'tcp' | 'udp', port: number, bind = '0.0.0.0'): Promise<void> {
  const code =
    proto === 'tcp'
      ? `require('net').createServer(s=>s.end(s.remoteAddress.replace(/^::ffff:/,''))).listen(${port},'::',()=>console.log('up'))`
      : `const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send(r.address,r.port,r.address));s.bind(${port},'${bind}',()=>console.log('up'))`;
  const p = spawn('nsenter', [`--net=${netns}`, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  servers.push(p);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`server ${proto}/${port} did not start`)), 10_000);
    p.stdout!.once('data', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** What the server at ip:port answers a client in `netns` (a netns path or name), or '' on failure. */
function ask(netns: string, proto: 'tcp' | 'udp', ip: string, port: number): string {
  const code =
    proto === 'tcp'
      ? `const c=require('net').connect({host:'${ip}',port:${port}});let d='';c.on('data',x=>d+=x);c.on('end',()=>{console.log(d);process.exit(0)});c.on('error',()=>process.exit(2));setTimeout(()=>process.exit(3),3000)`
      : `const s=require('dgram').createSocket('${ip.includes(':') ? 'udp6' : 'udp4'}');s.on('message',m=>{console.log(String(m));process.exit(0)});s.send('x',${port},'${ip}');setTimeout(()=>process.exit(3),2000)`;
  const nsArg = netns.startsWith('/') ? netns : `/run/netns/${netns}`;
  const r = sh('nsenter', [`--net=${nsArg}`, process.execPath, '-e', code]);
  return r.code === 0 ? r.stdout.trim() : '';
}

const table = () => host.inHost('nft', 'list', 'table', 'inet', 'cnm').stdout;
const ipOf = (name: string, net: string) =>
  sandbox(name)
    .endpoints.find((e) => e.networkName === net)!
    .ipv4!.split('/')[0]!;
const hostNs = () => `/run/netns/${host.ns}`;

test('publish: from outside, from the host, localhost, hairpin; the server sees the real client', needsRoot, async () => {
  host.mustCnm('network', 'create', 'frontend');
  host.mustCnm(
    'sandbox',
    'create',
    'web',
    '--net',
    'frontend',
    '-p',
    '8080:80',
    '-p',
    '127.0.0.1:5353:53/udp',
    '-p',
    '9000',
    '-P',
    '--expose',
    '7000',
  );
  const web = nsOf('web');
  const webIp = ipOf('web', 'frontend');
  await serve(web, 'tcp', 80);
  await serve(web, 'udp', 53, webIp);
  const gateway = webIp.replace(/\.\d+$/, '.1');

  assert.equal(ask(CLIENT, 'tcp', HOST_IP, 8080), CLIENT_IP, 'from outside: the client address is seen');
  assert.equal(ask(hostNs(), 'tcp', HOST_IP, 8080), HOST_IP, 'from the host to its own address: the host address is seen');
  assert.equal(
    ask(hostNs(), 'tcp', '127.0.0.1', 8080),
    gateway,
    'from 127.0.0.1: reached, masqueraded (the sandbox cannot answer 127.0.0.1)',
  );
  host.mustCnm('sandbox', 'create', 'nb', '--net', 'frontend');
  assert.equal(ask(nsOf('nb'), 'tcp', HOST_IP, 8080), ipOf('nb', 'frontend'), "hairpin from a neighbour: the neighbour's address is seen");
  assert.equal(ask(web, 'tcp', HOST_IP, 8080), gateway, 'self-hairpin: reached, masqueraded');

  assert.equal(ask(hostNs(), 'udp', '127.0.0.1', 5353), gateway, 'UDP on 127.0.0.1');
  assert.equal(ask(CLIENT, 'udp', HOST_IP, 5353), '', 'bound to 127.0.0.1 only: not reachable from outside');

  const ports = sandbox('web').NetworkSettings!.Ports;
  assert.deepEqual(ports['80/tcp'], [{ HostIp: '0.0.0.0', HostPort: '8080' }]);
  assert.deepEqual(ports['53/udp'], [{ HostIp: '127.0.0.1', HostPort: '5353' }]);
  const random = Number(ports['9000/tcp']![0]!.HostPort);
  const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  assert.ok(random >= lo! && random <= hi!, `random host port ${random} in the ephemeral range`);
  assert.ok(Number(ports['7000/tcp']![0]!.HostPort) >= lo!, '-P publishes the exposed port');
  await serve(web, 'tcp', 9000);
  assert.equal(ask(CLIENT, 'tcp', HOST_IP, random), CLIENT_IP, 'the random port is reachable');

  const lines = host.mustCnm('port', 'web').split('\n');
  assert.ok(lines.includes('80/tcp -> 0.0.0.0:8080'), lines.join('\n'));
  assert.ok(lines.includes('53/udp -> 127.0.0.1:5353'));
  assert.equal(host.mustCnm('port', 'web', '80'), '0.0.0.0:8080');
  assert.match(host.cnm('port', 'web', '81').stderr, /No public port '81\/tcp' published for web/);

  const front = JSON.parse(host.mustCnm('network', 'inspect', 'frontend'))[0];
  const ep = Object.values(front.Containers as Record<string, { Name: string; Ports?: unknown }>).find((c) => c.Name === 'web')!;
  assert.deepEqual((ep.Ports as Record<string, unknown>)['80/tcp'], [{ HostIp: '0.0.0.0', HostPort: '8080' }]);

  const ls: PublishedPort[] = JSON.parse(sh('curl', ['-s', '--unix-socket', host.socket, 'http://x/cnm/ports']).stdout);
  const p80 = ls.find((p) => p.containerPort === 80)!;
  assert.ok(p80.reachableAt.includes(`${HOST_IP}:8080`) && p80.reachableAt.includes('127.0.0.1:8080'), p80.reachableAt.join());
  assert.deepEqual(ls.find((p) => p.containerPort === 53)!.reachableAt, ['127.0.0.1:5353']);
  assert.match(host.mustCnm('port', 'ls'), /web\s+frontend\s+80\/tcp\s+\S+:80\s+0\.0\.0\.0:8080\s+.*192\.0\.2\.1:8080/);
});

test('ranges: 8100-8102:100-102 maps port to port', needsRoot, async () => {
  host.mustCnm('sandbox', 'create', 'rng', '--net', 'frontend', '-p', '8100-8102:100-102');
  assert.equal(host.mustCnm('port', 'rng'), ['100/tcp -> 0.0.0.0:8100', '101/tcp -> 0.0.0.0:8101', '102/tcp -> 0.0.0.0:8102'].join('\n'));
  await serve(nsOf('rng'), 'tcp', 101);
  assert.equal(ask(CLIENT, 'tcp', HOST_IP, 8101), CLIENT_IP);
  host.mustCnm('sandbox', 'create', 'rng2', '--net', 'frontend', '-p', '8100-8105:100');
  assert.equal(host.mustCnm('port', 'rng2'), '100/tcp -> 0.0.0.0:8103', 'a host range for one port: the first free one');
});

test('conflicts are refused with Docker wording and leave no rule, sandbox or namespace', needsRoot, async () => {
  const before = table();
  const sandboxes = host.mustCnm('sandbox', 'ls');
  const veths = () => (host.inHost('ip', '-o', 'link').stdout.match(/: vcnm[0-9a-f]+@/g) ?? []).sort();
  const vethsBefore = veths();
  const refused = (args: string[], message: RegExp) => {
    const r = host.cnm('sandbox', 'create', 'bad', '--net', 'frontend', ...args);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, message);
    assert.equal(table(), before, 'the firewall is as it was');
    assert.equal(host.mustCnm('sandbox', 'ls'), sandboxes);
  };
  refused(
    ['-p', '8080:80'],
    /driver failed programming external connectivity on endpoint bad \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8080 failed: port is already allocated/,
  );
  refused(['-p', '127.0.0.1:8080:80'], /Bind for 127\.0\.0\.1:8080 failed: port is already allocated/);
  refused(
    ['-p', '10.99.99.99:8300:80'],
    /Error starting userland proxy: listen tcp4 10\.99\.99\.99:8300: bind: cannot assign requested address/,
  );
  await serve(hostNs(), 'tcp', 8200);
  refused(['-p', '8200:80'], /Error starting userland proxy: listen tcp4 0\.0\.0\.0:8200: bind: address already in use/);
  await serve(hostNs(), 'udp', 8201);
  refused(['-p', '8201:53/udp'], /listen udp4 0\.0\.0\.0:8201: bind: address already in use/);
  const syntax = host.cnm('sandbox', 'create', 'bad', '-p', '80:abc');
  assert.match(syntax.stderr, /invalid argument "80:abc" for "-p, --publish" flag: Invalid containerPort: abc/);
  assert.deepEqual(veths(), vethsBefore, 'no veth left behind');
});

test('host_binding_ipv4 is the default host address', needsRoot, async () => {
  host.mustCnm('network', 'create', 'bound', '-o', `com.docker.network.bridge.host_binding_ipv4=${HOST_IP}`);
  host.mustCnm('sandbox', 'create', 'hb', '--net', 'bound', '-p', '8400:80');
  assert.equal(host.mustCnm('port', 'hb'), `80/tcp -> ${HOST_IP}:8400`);
  await serve(nsOf('hb'), 'tcp', 80);
  assert.equal(ask(CLIENT, 'tcp', HOST_IP, 8400), CLIENT_IP);
  assert.equal(ask(hostNs(), 'tcp', '127.0.0.1', 8400), '', 'not bound to 127.0.0.1');
});

test('legacy links: the alias in /etc/hosts, following the target; refused on user-defined networks', needsRoot, () => {
  host.mustCnm('sandbox', 'create', 'db');
  host.mustCnm('sandbox', 'create', 'app', '--link', 'db:database');
  const hostsOf = (n: string) => fs.readFileSync(`/etc/netns/${nsOf(n).split('/').pop()}/hosts`, 'utf8');
  const dbHost = sandbox('db').hostname;
  assert.match(hostsOf('app'), new RegExp(`^${ipOf('db', 'bridge').replace(/\./g, '\\.')}\\tdatabase ${dbHost} db$`, 'm'));
  host.mustCnm('network', 'disconnect', 'bridge', 'db');
  assert.doesNotMatch(hostsOf('app'), /database/, 'the line goes with the address');
  host.mustCnm('sandbox', 'create', 'filler');
  host.mustCnm('network', 'connect', 'bridge', 'db');
  assert.match(
    hostsOf('app'),
    new RegExp(`^${ipOf('db', 'bridge').replace(/\./g, '\\.')}\\tdatabase `, 'm'),
    'and comes back with the new one',
  );
  const r = host.cnm('sandbox', 'create', 'app2', '--net', 'frontend', '--link', 'web:w');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /links are supported only on the default bridge network/);
  assert.match(
    host.cnm('sandbox', 'create', 'app3', '--link', 'web:w').stderr,
    /Cannot link to \/web, as it does not belong to the default network/,
  );
});

test('IPv6: forwarding only with an IPv6 network, NAT66 egress, IPv6 ports', needsRoot, async () => {
  const fwd = () => host.inHost('cat', '/proc/sys/net/ipv6/conf/all/forwarding').stdout.trim();
  assert.equal(fwd(), '0', 'no IPv6 network yet: IPv6 forwarding stays off');
  host.mustCnm('network', 'create', 'v6', '--ipv6', '--subnet', 'fd00:11::/64');
  assert.equal(fwd(), '1');
  host.mustCnm('sandbox', 'create', 's6', '--net', 'v6', '-p', '8500:80');
  const s6 = nsOf('s6');
  await serve(`/run/netns/${CLIENT}`, 'tcp', 7777);
  assert.equal(ask(s6, 'tcp', CLIENT_IP6, 7777), HOST_IP6, 'egress to the IPv6 router, masqueraded to the host address');
  assert.deepEqual(sandbox('s6').NetworkSettings!.Ports['80/tcp'], [
    { HostIp: '0.0.0.0', HostPort: '8500' },
    { HostIp: '::', HostPort: '8500' },
  ]);
  await serve(s6, 'tcp', 80);
  assert.equal(ask(CLIENT, 'tcp', HOST_IP6, 8500), CLIENT_IP6, 'the IPv6 port, with the client address');
  assert.equal(ask(CLIENT, 'tcp', HOST_IP, 8500), CLIENT_IP);
});

test('after a crash, and with the table gone, the ports come back from the records', needsRoot, async () => {
  await host.stopDaemon('SIGKILL');
  host.inHost('nft', 'delete', 'table', 'inet', 'cnm');
  await host.startDaemon();
  assert.match(table(), /tcp dport 8080 dnat ip to /);
  assert.equal(ask(CLIENT, 'tcp', HOST_IP, 8080), CLIENT_IP);
  assert.equal(ask(nsOf('nb'), 'tcp', HOST_IP, 8080), ipOf('nb', 'frontend'), 'hairpin too');
});

test('removing the sandboxes removes every port rule', needsRoot, () => {
  for (const s of ['web', 'nb', 'rng', 'rng2', 'hb', 's6', 'app', 'db', 'filler']) host.mustCnm('sandbox', 'rm', '-f', s);
  const t = table();
  assert.doesNotMatch(t, /dnat ip6? to/);
  assert.doesNotMatch(t, /chain published/);
});
