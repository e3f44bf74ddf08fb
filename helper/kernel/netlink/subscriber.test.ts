// The notification subscriber: fan-out over a fake socket, then both consumers on one real socket
// in a throwaway namespace.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, before, test } from 'node:test';
import type { NetlinkMessage } from 'netlink';
import { isRoot, needsRoot } from '../../../test/root.js';
import { setLogLevel } from '../../log.js';
import { createNetns, deleteNetns } from '../netns/netns.js';
import { inNetns } from '../netns/setns.js';
import { watchLinks, type LinkChange } from './monitor.js';
import { Netlink } from './netlink.js';
import { NotificationSubscriber, openRtNotifications, RTM, type Listener } from './subscriber.js';
import { watchAddressesAndRoutes } from './watch.js';

setLogLevel('error'); // the overrun tests' warnings

class FakeSocket extends EventEmitter {
  groups = new Set<number>();
  closed = false;
  addMembership(g: number) {
    this.groups.add(g);
  }
  dropMembership(g: number) {
    this.groups.delete(g);
  }
  close() {
    this.closed = true;
  }
}

const msg = (type: number, family: number): NetlinkMessage => ({ type, flags: 0, seq: 0, port: 0, data: Buffer.from([family, 0, 0, 0]) });
const AF_INET = 2;
const AF_INET6 = 10;

function fake() {
  const opened: FakeSocket[] = [];
  const sub = new NotificationSubscriber(() => {
    opened.push(new FakeSocket());
    return opened.at(-1)!;
  });
  return { sub, opened };
}

function recorder(groups: Listener['groups']) {
  const got: number[] = [];
  let overruns = 0;
  const l: Listener = { groups, onMessage: (m) => got.push(m.type), onOverrun: () => overruns++ };
  return { l, got, overruns: () => overruns };
}

test('one socket for all listeners, in the union of their groups', () => {
  const { sub, opened } = fake();
  const links = recorder(['LINK']);
  const routes = recorder(['LINK', 'IPV4_ROUTE', 'IPV6_IFADDR']);
  const w1 = sub.subscribe(links.l);
  const w2 = sub.subscribe(routes.l);
  assert.equal(opened.length, 1);
  assert.deepEqual(
    [...opened[0].groups].sort((a, b) => a - b),
    [1, 7, 9],
  );
  w2.close();
  assert.deepEqual([...opened[0].groups], [1], 'groups only the closed listener wanted are left');
  assert.equal(opened[0].closed, false);
  w1.close();
  assert.equal(opened[0].closed, true, 'the last listener closes the socket');
  w1.close(); // twice is harmless
  sub.subscribe(links.l).close();
  assert.equal(opened.length, 2, 'a later subscription opens a new socket');
});

test('each message goes to the listeners whose groups it belongs to (type and family)', () => {
  const { sub, opened } = fake();
  const links = recorder(['LINK']);
  const v4routes = recorder(['IPV4_ROUTE']);
  const v6addrs = recorder(['IPV6_IFADDR', 'LINK']);
  for (const r of [links, v4routes, v6addrs]) sub.subscribe(r.l);
  opened[0].emit('message', [msg(RTM.newLink, 0), msg(RTM.newRoute, AF_INET), msg(RTM.newRoute, AF_INET6)]);
  opened[0].emit('message', msg(RTM.delAddr, AF_INET6)); // a lone message, not an array
  opened[0].emit('message', [msg(RTM.newAddr, AF_INET), msg(RTM.delLink, 0)]);
  assert.deepEqual(links.got, [RTM.newLink, RTM.delLink]);
  assert.deepEqual(v4routes.got, [RTM.newRoute]);
  assert.deepEqual(v6addrs.got, [RTM.newLink, RTM.delAddr, RTM.delLink]);
});

test('an overrun reaches every listener; a failing listener does not stop the others', () => {
  const { sub, opened } = fake();
  sub.subscribe({
    groups: ['LINK'],
    onMessage: () => {
      throw new Error('boom');
    },
    onOverrun: () => {
      throw new Error('boom');
    },
  });
  const b = recorder(['LINK']);
  sub.subscribe(b.l);
  opened[0].emit('message', [msg(RTM.newLink, 0)]);
  opened[0].emit('error', Object.assign(new Error('ENOBUFS'), { code: 'ENOBUFS' }));
  assert.deepEqual(b.got, [RTM.newLink]);
  assert.equal(b.overruns(), 1);
});

test('watchAddressesAndRoutes: one call per burst, an overrun counts as a change', async () => {
  const { sub, opened } = fake();
  let calls = 0;
  const w = watchAddressesAndRoutes(() => calls++, 5, sub);
  opened[0].emit('message', [msg(RTM.newAddr, AF_INET), msg(RTM.newRoute, AF_INET), msg(RTM.newLink, 0)]);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(calls, 1);
  opened[0].emit('error', new Error('ENOBUFS'));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(calls, 2);
  w.close();
  assert.equal(opened[0].closed, true);
});

// Both consumers on one real socket: a bridge made in the namespace reaches the link watch (with
// its name) and the address/route watch (as a change); removing it reaches the link watch.
const ns = `t-nlsub-${process.pid}`;
let host: Netlink;
let sub: NotificationSubscriber;
before(async () => {
  if (!isRoot) return;
  const p = await createNetns(ns);
  host = Netlink.inNetns(p);
  let opens = 0;
  sub = new NotificationSubscriber(() => {
    opens++;
    assert.equal(opens, 1, 'one notification socket');
    return inNetns(p, openRtNotifications);
  });
});
after(async () => {
  if (!isRoot) return;
  host?.close();
  await deleteNetns(ns);
});

test('real kernel: the link watch and the address/route watch share one socket', needsRoot, async () => {
  const changes: LinkChange[] = [];
  let addrChanges = 0;
  const links = watchLinks(
    (c) => changes.push(c),
    () => assert.fail('no overrun expected'),
    sub,
  );
  const addrs = watchAddressesAndRoutes(() => addrChanges++, 5, sub);
  try {
    await host.createBridge('br-nlsub', { alias: 'cnm:nlsub', up: true });
    await host.addAddress('br-nlsub', '10.251.0.1/24', { nodad: true });
    const until = async (what: string, ok: () => boolean) => {
      for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(ok(), what);
    };
    await until('link watch saw the bridge', () =>
      changes.some((c) => !c.deleted && c.link.name === 'br-nlsub' && c.link.alias === 'cnm:nlsub'),
    );
    await until('address watch saw a change', () => addrChanges > 0);
    await host.deleteLink('br-nlsub');
    await until('link watch saw the deletion', () => changes.some((c) => c.deleted && c.link.name === 'br-nlsub'));
  } finally {
    links.close();
    addrs.close();
  }
});
