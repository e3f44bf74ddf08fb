// The stand-alone overlay: one host namespace whose cnmd has no cluster store. The real docker CLI
// still gets Docker's "not a swarm manager" for `-d overlay` (and `--scope global`); the cnm CLI
// asks for `--scope local` and gets a VXLAN network on this host: two sandboxes ping each other
// by name over it, MTU = underlay − 50 inside the sandbox, a vxlan device in the network's
// namespace, egress on cnm_gwbridge; a cnmd restart re-adopts the datapath as it was; removal
// leaves no link or namespace. Everything is removed in `finally`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { NetworkResource } from '../../model/docker.js';
import { needsRoot } from '../root.js';
import { TestHost, execIn, mustSh, sh } from './host.js';
import { waitFor } from './wait.js';

/** Docker 20.10's own client when Debian's docker.io is installed, else the one on PATH. */
const DOCKER = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const dockerMissing = sh(DOCKER, ['--version']).code === 0 ? undefined : 'no docker client binary on this machine';
const UNDERLAY_MTU = 1400;

const inspect = (h: TestHost, net: string) => JSON.parse(h.mustCnm('network', 'inspect', net))[0] as NetworkResource;
const ping = (h: TestHost, sb: string, target: string, ...extra: string[]) => execIn(h, sb, 'ping', '-c1', '-W1', ...extra, target);
const reachable = (h: TestHost, from: string, to: string) =>
  waitFor(`${from} → ${to} by name`, 10_000, () => (ping(h, from, to).code === 0 ? true : undefined));
/** `ip -d link` in the overlay network's own namespace (`<cnmd's prefix>ov-<network id 12>`). */
const ovLinks = (h: TestHost, id: string, ...opts: string[]) =>
  mustSh('ip', ['-n', `${h.netnsPrefix}ov-${id.slice(0, 12)}`, ...opts, 'link', 'show']);
const ourNetns = (h: TestHost) =>
  (fs.existsSync('/run/netns') ? fs.readdirSync('/run/netns') : []).filter((n) => n.startsWith(h.netnsPrefix));

test(
  'stand-alone overlay: docker CLI refused as by Docker, cnm CLI makes a one-host VXLAN network; ping by name, MTU, restart, clean removal',
  { skip: needsRoot.skip || dockerMissing, timeout: 120_000 },
  async () => {
    // The host's underlay: a veth (both ends here) with MTU 1400 carrying the default route.
    const h = await TestHost.start('ovl', {
      setup: (h) => {
        mustSh('ip', ['-n', h.ns, 'link', 'add', 'ul0', 'mtu', String(UNDERLAY_MTU), 'type', 'veth', 'peer', 'name', 'ul0p']);
        mustSh('ip', ['-n', h.ns, 'addr', 'add', '192.0.2.2/24', 'dev', 'ul0']);
        for (const l of ['ul0', 'ul0p']) mustSh('ip', ['-n', h.ns, 'link', 'set', l, 'up']);
        mustSh('ip', ['-n', h.ns, 'route', 'add', 'default', 'via', '192.0.2.1', 'dev', 'ul0']);
      },
    });
    try {
      // The docker CLI sends no scope: Docker's answer, nothing made. `--scope local` is cnm's addition.
      const docker = (...args: string[]) => sh(DOCKER, args, { env: { ...process.env, DOCKER_HOST: h.hostUrl } });
      for (const args of [
        ['-d', 'overlay'],
        ['-d', 'overlay', '--scope', 'global'],
        ['--scope', 'global'],
      ]) {
        const r = docker('network', 'create', ...args, 'refused');
        assert.equal(r.code, 1, args.join(' '));
        assert.match(r.stderr, /^Error response from daemon: This node is not a swarm manager\. Use "docker swarm init"/);
      }
      assert.equal(h.cnm('network', 'inspect', 'refused').code, 1, 'nothing made');
      const viaDocker = docker('network', 'create', '-d', 'overlay', '--scope', 'local', 'dk');
      assert.equal(viaDocker.code, 0, viaDocker.stderr);
      assert.equal(inspect(h, 'dk').Scope, 'local');
      h.mustCnm('network', 'rm', 'dk');

      // The cnm CLI: no --scope needed.
      const id = h.mustCnm('network', 'create', '-d', 'overlay', 'solo');
      const net = inspect(h, 'solo');
      assert.deepEqual([net.Id, net.Scope, net.Driver, net.IPAM.Config[0]?.Subnet], [id, 'local', 'overlay', '10.0.0.0/24']);
      assert.deepEqual(ourNetns(h), [], 'nothing in the kernel before the first endpoint');

      h.mustCnm('sandbox', 'create', '--net', 'solo', 's1');
      h.mustCnm('sandbox', 'create', '--net', 'solo', 's2');
      await reachable(h, 's1', 's2');
      await reachable(h, 's2', 's1');
      const mtu = UNDERLAY_MTU - 50;
      assert.equal(execIn(h, 's1', 'cat', '/sys/class/net/eth0/mtu').stdout.trim(), String(mtu), 'underlay − 50 inside the sandbox');
      assert.equal(ping(h, 's1', 's2', '-M', 'do', '-s', String(mtu - 28)).code, 0, 'a full-MTU packet with DF passes');
      assert.notEqual(ping(h, 's1', 's2', '-M', 'do', '-s', String(mtu - 27)).code, 0, 'one byte more with DF does not');
      const detail = ovLinks(h, id, '-d');
      assert.match(detail, /vxlan0@?\S*: .*mtu 1350 .*master br0/);
      assert.match(detail, /vxlan id 4096 .*dstport 4789 nolearning proxy/);
      // Index, name, flags, MTU, MAC and alias of br0, vxlan0 and the veths (no timers).
      const links = ovLinks(h, id, '-o');
      // Egress through cnm_gwbridge, as on a global overlay.
      const gw = inspect(h, 'cnm_gwbridge');
      assert.match(
        execIn(h, 's1', 'ip', 'route').stdout,
        new RegExp(`^default via ${gw.IPAM.Config[0]!.Gateway!.replace(/\./g, '\\.')} dev eth1`, 'm'),
      );

      // cnmd restart: the same network, the same kernel objects (same vxlan0, not re-made), pings go on.
      const joined = inspect(h, 'solo');
      assert.equal(Object.keys(joined.Containers).length, 2);
      await h.stopDaemon('SIGTERM');
      await h.startDaemon();
      assert.deepEqual(inspect(h, 'solo'), joined, 'the network and its endpoints as before');
      assert.equal(ovLinks(h, id, '-o'), links, 're-adopted as it was');
      await reachable(h, 's1', 's2');
      h.mustCnm('sandbox', 'create', '--net', 'solo', 's3');
      const ips = ['s1', 's2', 's3'].map(
        (s) => (JSON.parse(h.mustCnm('sandbox', 'inspect', s))[0].endpoints[0].ipv4 as string).split('/')[0],
      );
      assert.equal(new Set(ips).size, 3, `addresses stay allocated across the restart: ${ips.join(' ')}`);
      await reachable(h, 's3', 's1');

      // Removal: the last endpoint takes the network's namespace; rm leaves no link behind.
      for (const s of ['s1', 's2', 's3']) h.mustCnm('sandbox', 'rm', s);
      assert.deepEqual(ourNetns(h), [], 'no sandbox or overlay namespace left');
      h.mustCnm('network', 'rm', 'solo');
      const left = mustSh('ip', ['-n', h.ns, '-d', '-o', 'link', 'show']);
      assert.doesNotMatch(left, /vxlan/);
      const veths = mustSh('ip', ['-n', h.ns, '-o', 'link', 'show', 'type', 'veth']);
      assert.deepEqual([...veths.matchAll(/^\d+: ([^:@]+)/gm)].map((m) => m[1]).sort(), ['ul0', 'ul0p'], 'only the test underlay is left');
    } finally {
      await h.destroy();
    }
  },
);
