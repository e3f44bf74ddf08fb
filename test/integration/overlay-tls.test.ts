// Overlay across two hosts whose cluster store is a real etcd 3.4 that speaks TLS only and asks for
// client certificates (CA, server and client certificates made by openssl for this run): hosts
// started with --cluster-store-opt kv.cacertfile/kv.certfile/kv.keyfile create an overlay on A
// that B sees (an auto-allocated subnet shows its Gateway on both), a sandbox on B pings one on A
// by name, `cnm node ls` counts each host's endpoints; B restarted after an endpoint of A left
// sweeps that endpoint's neighbour and FDB entries from its overlay namespace (and its address
// from its IPAM mirror) and keeps the others;
// a host with the CA but no client certificate is refused by etcd (degraded, changes refused);
// a missing file stops cnmd naming the option and the file. Everything is removed in `finally`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NetworkResource } from '../../model/docker.js';
import { needsRoot } from '../root.js';
import { makeTestPki } from './certs.js';
import { etcdMissing } from './etcd.js';
import { CNMD, execIn, sh, type TestHost } from './host.js';
import { OverlayCluster } from './overlay-cluster.js';
import { waitFor } from './wait.js';

const NET = '10.237.0';
const inspect = (h: TestHost, net: string) => JSON.parse(h.mustCnm('network', 'inspect', net))[0] as NetworkResource;
const clusterState = (h: TestHost) =>
  JSON.parse(h.mustCnm('info', '--format', '{{json .}}')).Cnm?.cluster as { state: string; lastError?: string };

test('cnmd --cluster-store-opt: a missing file stops cnmd naming the option and the file', () => {
  const store = ['--cluster-store', 'etcd://127.0.0.1:1', '--cluster-advertise', '127.0.0.1'];
  const r = sh(process.execPath, [
    CNMD,
    ...store,
    '--cluster-store-opt',
    'kv.cacertfile=/nonexistent/ca.pem',
    '--socket',
    '/nonexistent/s',
  ]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /cnmd: flag --cluster-store-opt kv\.cacertfile=\/nonexistent\/ca\.pem: cannot read \/nonexistent\/ca\.pem: ENOENT/,
  );
  const bad = sh(process.execPath, [CNMD, ...store, '--cluster-store-opt', 'kv.path=/x']);
  assert.match(bad.stderr, /unknown option "kv\.path" \(supported: kv\.cacertfile, kv\.certfile, kv\.keyfile\)/);
});

test(
  'overlay over TLS to etcd: create on A seen on B, ping by name, node ls endpoints, stale peers swept at restart, no client certificate refused',
  { skip: needsRoot.skip || etcdMissing, timeout: 240_000 },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-ovtls-'));
    let cluster: OverlayCluster | undefined;
    try {
      const pki = makeTestPki(dir, `IP:${NET}.1`);
      const opt = (kv: string) => ['--cluster-store-opt', kv];
      cluster = await OverlayCluster.start(['a', 'b'], {
        underlay: `t-ovtls-${process.pid}`,
        net: NET,
        tls: pki,
        daemonArgs: () => [
          ...opt(`kv.cacertfile=${pki.ca}`),
          ...opt(`kv.certfile=${pki.clientCert}`),
          ...opt(`kv.keyfile=${pki.clientKey}`),
        ],
      });
      const [a, b] = cluster.hosts as [TestHost, TestHost];

      // Created on A without --subnet: Docker's IPAM-chosen shape (Subnet and Gateway), identical on B.
      a.mustCnm('network', 'create', '-d', 'overlay', 'multi');
      const onA = inspect(a, 'multi');
      assert.deepEqual(onA.IPAM.Config, [{ Subnet: '10.0.0.0/24', Gateway: '10.0.0.1' }]);
      const onB = await waitFor('multi on B', 15_000, () =>
        b.cnm('network', 'inspect', 'multi').code === 0 ? inspect(b, 'multi') : undefined,
      );
      assert.deepEqual(onB, onA, 'identical on both hosts');

      a.mustCnm('sandbox', 'create', '--net', 'multi', 'a1');
      a.mustCnm('sandbox', 'create', '--net', 'multi', 'a2');
      b.mustCnm('sandbox', 'create', '--net', 'multi', 'b1');
      await waitFor('b1 → a1 by name', 15_000, () => (execIn(b, 'b1', 'ping', '-c1', '-W1', 'a1').code === 0 ? true : undefined));
      await waitFor('node ls counts endpoints', 10_000, () =>
        a.mustCnm('node', 'ls', '--format', '{{.Name}}={{.Endpoints}}') === 'hosta=2\nhostb=1' ? true : undefined,
      );
      assert.match(a.mustCnm('node', 'ls').split('\n')[0]!, /^NAME +ADDRESS +STATE +ENDPOINTS +VERSION$/);

      // B's cnmd is down while A's a2 leaves: B's overlay namespace still holds a2's entries (nothing
      // told it); after B's restart they are swept, a1's kept, and b1 reaches a1 again.
      const [a1, a2] = [ipOf(a, 'a1'), ipOf(a, 'a2')];
      const macOf = (name: string) => Object.values(inspect(a, 'multi').Containers).find((c) => c.Name === name)!.MacAddress;
      const [mac1, mac2] = [macOf('a1'), macOf('a2')];
      const ovns = `${b.netnsPrefix}ov-${onA.Id.slice(0, 12)}`;
      const table = () => {
        const neigh = sh('ip', ['-n', ovns, 'neigh', 'show', 'dev', 'vxlan0']);
        const fdb = sh('bridge', ['-n', ovns, 'fdb', 'show', 'dev', 'vxlan0']);
        assert.equal(neigh.code + fdb.code, 0, neigh.stderr + fdb.stderr);
        return neigh.stdout + fdb.stdout;
      };
      const has = (t: string, s: string) => t.split('\n').some((l) => l.includes(s));
      assert.ok(has(table(), a2) && has(table(), mac2), `a2's entries before: ${table()}`);
      await b.stopDaemon('SIGTERM');
      a.mustCnm('sandbox', 'rm', 'a2');
      assert.ok(has(table(), `${a2} `) && has(table(), `${mac2} dst`), 'stale while B is down');
      await b.startDaemon();
      await waitFor("a2's entries swept on B", 20_000, () => (!has(table(), mac2) && !has(table(), `${a2} `) ? true : undefined));
      const after = table();
      assert.ok(has(after, `${a1} `) && has(after, `${mac1} dst ${NET}.2`) && has(after, `${mac1} master br0`), `a1 kept: ${after}`);
      await waitFor('b1 → a1 after the restart', 15_000, () => (execIn(b, 'b1', 'ping', '-c1', '-W1', 'a1').code === 0 ? true : undefined));
      // B's IPAM mirror let go of a2's address too: B can give it to a sandbox of its own.
      b.mustCnm('sandbox', 'create', '--net', 'multi', '--ip', a2, 'b2');

      // A host with the CA but no client certificate: etcd refuses the handshake; the store is
      // unavailable to it and cluster-wide changes are refused with the store named.
      const c = await cluster.add('c', opt(`kv.cacertfile=${pki.ca}`));
      // etcd's TLS alert names the certificate problem in the store's last error.
      await waitFor('no client certificate: degraded', 15_000, () => {
        const st = clusterState(c);
        return st?.state === 'degraded' && /certificate/.test(st.lastError ?? '') ? true : undefined;
      });
      const refused = c.cnm('network', 'create', '-d', 'overlay', 'nocert');
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, new RegExp(`cluster store etcd://${NET.replace(/\./g, '\\.')}\\.1:2379 is unavailable`));
      assert.equal(a.cnm('network', 'inspect', 'nocert').code, 1, 'nothing reached the store');
      assert.equal(a.mustCnm('node', 'ls', '--format', '{{.Name}}'), 'hosta\nhostb', 'c never registered');
    } finally {
      await cluster?.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

/** The sandbox's address on the overlay (it also has one on cnm_gwbridge). */
function ipOf(h: TestHost, sb: string): string {
  const eps = JSON.parse(h.mustCnm('sandbox', 'inspect', sb))[0].endpoints as Array<{ networkName: string; ipv4: string }>;
  return eps.find((e) => e.networkName === 'multi')!.ipv4.split('/')[0]!;
}
