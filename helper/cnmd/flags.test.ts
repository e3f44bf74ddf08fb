import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFlags, type DaemonFlags } from './flags.js';

test('defaults are the documented paths and group', () => {
  const f = parseFlags([]) as DaemonFlags;
  assert.deepEqual(
    [f.command, f.socket, f.stateDir, f.runDir, f.group],
    ['serve', '/run/cnmd/cnmd.sock', '/var/lib/cnmd', '/run/cnmd', 'cnm'],
  );
});

test('cleanup takes --dry-run and --stop; serve refuses them', () => {
  const f = parseFlags(['cleanup', '--dry-run', '--state-dir', '/tmp/s', '--group=g']) as DaemonFlags;
  assert.deepEqual([f.command, f.dryRun, f.stop, f.stateDir, f.group], ['cleanup', true, false, '/tmp/s', 'g']);
  assert.equal((parseFlags(['cleanup', '--stop']) as DaemonFlags).stop, true);
  assert.throws(() => parseFlags(['--dry-run']), /--dry-run is a flag of 'cnmd cleanup'/);
});

test('cluster flags: --cluster-store needs --cluster-advertise and the other way round', () => {
  const f = parseFlags(['--cluster-store', 'etcd://10.0.0.1:2379', '--cluster-advertise=eth0:2376', '--cluster-name', 'h1']) as DaemonFlags;
  assert.deepEqual(f.clusterStore?.endpoints, ['http://10.0.0.1:2379']);
  assert.deepEqual(f.clusterAdvertise, { iface: 'eth0', port: 2376 });
  assert.equal(f.clusterName, 'h1');
  assert.equal((parseFlags([]) as DaemonFlags).clusterStore, undefined);
  assert.throws(
    () => parseFlags(['--cluster-store', 'etcd://h:2379']),
    /flag --cluster-store needs --cluster-advertise IP\|IFACE\[:PORT\]/,
  );
  assert.throws(() => parseFlags(['--cluster-advertise', '10.0.0.2']), /flag --cluster-advertise needs --cluster-store etcd:\/\/HOST:2379/);
  assert.throws(() => parseFlags(['--cluster-name', 'x']), /flag --cluster-name needs --cluster-store/);
  assert.throws(
    () => parseFlags(['--cluster-store', 'etcd://h', '--cluster-advertise', '10.0.0.2', '--cluster-name', 'a/b']),
    /flag --cluster-name: invalid cluster host name "a\/b"/,
  );
  assert.throws(() => parseFlags(['--cluster-store-opt', 'kv.cacertfile=/x']), /flag --cluster-store-opt needs --cluster-store/);
  assert.throws(() => parseFlags(['--cluster-store']), /flag needs an argument: --cluster-store/);
});

test("--cluster-store-opt: TLS to etcd with Docker 1.9's option names, repeatable, in any order", () => {
  const store = ['--cluster-store', 'etcd://10.0.0.1,10.0.0.2:12379', '--cluster-advertise', '10.0.0.3'];
  const opts = [
    '--cluster-store-opt',
    'kv.certfile=/c.pem',
    '--cluster-store-opt=kv.keyfile=/k.pem',
    '--cluster-store-opt',
    'kv.cacertfile=/ca.pem',
  ];
  const f = parseFlags([...opts.slice(0, 2), ...store, ...opts.slice(2)]) as DaemonFlags;
  assert.deepEqual(f.clusterStore?.endpoints, ['https://10.0.0.1:2379', 'https://10.0.0.2:12379']);
  assert.deepEqual(f.clusterStore?.tls, { cacertfile: '/ca.pem', certfile: '/c.pem', keyfile: '/k.pem' });
  assert.equal(f.clusterStore?.text, 'etcd://10.0.0.1,10.0.0.2:12379');
  const caOnly = parseFlags([...store, '--cluster-store-opt', 'kv.cacertfile=/ca.pem']) as DaemonFlags;
  assert.deepEqual(caOnly.clusterStore?.tls, { cacertfile: '/ca.pem', certfile: undefined, keyfile: undefined });
  assert.equal((parseFlags(store) as DaemonFlags).clusterStore?.tls, undefined, 'no option: plain http');
  const bad: Array<[string[], RegExp]> = [
    [
      ['kv.path=/x'],
      /invalid value "kv.path=\/x" for flag --cluster-store-opt: unknown option "kv.path" \(supported: kv.cacertfile, kv.certfile, kv.keyfile\)/,
    ],
    [['kv.cacertfile'], /for flag --cluster-store-opt: kv.cacertfile needs a file/],
    [['kv.cacertfile='], /kv.cacertfile needs a file/],
    [['kv.cacertfile=/a', 'kv.cacertfile=/b'], /flag --cluster-store-opt: kv.cacertfile is given twice/],
    [['kv.certfile=/c', 'kv.keyfile=/k'], /flag --cluster-store-opt: TLS to the cluster store needs kv.cacertfile=CA.pem/],
    [['kv.cacertfile=/a', 'kv.certfile=/c'], /flag --cluster-store-opt: kv.certfile and kv.keyfile go together/],
  ];
  for (const [values, re] of bad)
    assert.throws(() => parseFlags([...store, ...values.flatMap((v) => ['--cluster-store-opt', v])]), re, values.join());
});

test('-H tcp:// only with mutual TLS: every missing piece is named; unix:// is --socket', () => {
  const tls = ['--tlsverify', '--tlscacert', 'ca.pem', '--tlscert', 'c.pem', '--tlskey', 'k.pem'];
  const f = parseFlags(['-H', 'tcp://127.0.0.1:2376', ...tls]) as DaemonFlags;
  assert.deepEqual(f.tcp, { host: '127.0.0.1', port: 2376, tlsCaCert: 'ca.pem', tlsCert: 'c.pem', tlsKey: 'k.pem' });
  assert.equal((parseFlags(['--host=tcp://[::1]:2376', ...tls]) as DaemonFlags).tcp?.host, '::1');
  assert.equal((parseFlags(['-H', 'unix:///tmp/x.sock']) as DaemonFlags).socket, '/tmp/x.sock');
  assert.throws(
    () => parseFlags(['-H', 'tcp://0.0.0.0:2375']),
    /flag -H tcp:\/\/0.0.0.0:2375: cnmd listens on TCP only with mutual TLS: .*missing: --tlsverify, --tlscacert, --tlscert, --tlskey/,
  );
  assert.throws(() => parseFlags(['-H', 'tcp://h:2376', '--tlscacert', 'ca', '--tlscert', 'c', '--tlskey', 'k']), /missing: --tlsverify\)/);
  assert.throws(() => parseFlags(['-H', 'tcp://h:99999', ...tls]), /port 1-65535/);
  assert.throws(() => parseFlags(['-H', 'http://h:1']), /use tcp:\/\/HOST:PORT or unix:\/\/PATH/);
  assert.throws(() => parseFlags(['--tlsverify']), /need -H tcp:\/\/HOST:PORT/);
});
