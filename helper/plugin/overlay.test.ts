import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkCreateRequest, NetworkResource } from '../../model/docker.js';
import type { Controller } from '../core/controller.js';
import { CnmError } from '../errors.js';
import type { DockerNetworkInfo } from './docker-names.js';
import { OverlayBindings } from './overlay.js';

/** A cnm with global networks only in a list; `race` makes the next create lose to another host's. */
function fakeCnm(nets: NetworkResource[] = [], race?: NetworkResource) {
  const created: NetworkCreateRequest[] = [];
  const controller = {
    listNetworks: () => nets,
    async createNetwork(req: NetworkCreateRequest) {
      if (race) {
        setTimeout(() => nets.push(race), 20); // reaches this host's mirror a moment later
        throw new CnmError('conflict', `network with name ${req.Name} already exists`);
      }
      created.push(req);
      nets.push(resource(req.Name, req.IPAM!.Config![0]!.Subnet!, req.Options ?? {}));
      return { Id: 'x', Warning: '' };
    },
  } as unknown as Controller;
  return { controller, created, nets };
}

function resource(Name: string, Subnet: string, Options: Record<string, string>, Scope: 'global' | 'local' = 'global'): NetworkResource {
  return {
    Name,
    Scope,
    Driver: 'overlay',
    IPAM: { Config: [{ Subnet, Gateway: Subnet.replace(/0\/24$/, '1') }] },
    Options,
  } as NetworkResource;
}

const docker = (Name: string, Subnet: string, Options: Record<string, string> = {}): DockerNetworkInfo => ({
  Name,
  Options: { 'cnm.driver': 'overlay', ...Options },
  IPAM: { Config: [{ Subnet, Gateway: Subnet.replace(/0\/24$/, '1') }] },
});

test("the first engine's network makes the cnm overlay, named and shaped after dockerd's record", async () => {
  const { controller, created } = fakeCnm();
  const b = new OverlayBindings({ controller, dockerNetwork: async () => docker('multi', '10.199.0.0/24', { 'com.x': '1' }) });
  assert.equal(await b.network('d1'), 'multi');
  assert.deepEqual(created[0], {
    Name: 'multi',
    Driver: 'overlay',
    IPAM: { Config: [{ Subnet: '10.199.0.0/24', Gateway: '10.199.0.1' }] },
    Options: { 'com.x': '1' },
    Labels: { 'cnm.docker.overlay': 'true' },
  });
  assert.equal(await b.network('d1'), 'multi', 'bound once');
  assert.equal(created.length, 1);
});

test('another engine joins it when subnet and options agree, and is told what to give when not', async () => {
  const { controller, created } = fakeCnm([resource('multi', '10.199.0.0/24', {})]);
  const info: Record<string, DockerNetworkInfo> = {
    same: docker('multi', '10.199.0.0/24'),
    subnet: docker('multi', '10.199.1.0/24'),
    opts: docker('multi', '10.199.0.0/24', { 'com.x': '1' }),
  };
  const b = new OverlayBindings({ controller, dockerNetwork: async (id) => info[id] });
  assert.equal(await b.network('same'), 'multi');
  assert.equal(created.length, 0, 'joined, not made again');
  await assert.rejects(b.network('subnet'), /exists in the cluster with subnet 10\.199\.0\.0\/24 .*--subnet 10\.199\.0\.0\/24/);
  await assert.rejects(b.network('opts'), /use the same -o options on every host/);
  await assert.rejects(b.network('gone'), /dockerd does not show network gone/);
});

test('a local cnm network of that name is refused; a race lost to another host joins its network', async () => {
  const local = fakeCnm([resource('solo', '10.1.0.0/24', {}, 'local')]);
  const b1 = new OverlayBindings({ controller: local.controller, dockerNetwork: async () => docker('solo', '10.1.0.0/24') });
  await assert.rejects(b1.network('d'), /not a global overlay network: choose another name/);
  const raced = fakeCnm([], resource('multi', '10.199.0.0/24', {}));
  const b2 = new OverlayBindings({
    controller: raced.controller,
    dockerNetwork: async () => docker('multi', '10.199.0.0/24'),
    mirrorWaitMs: 2000,
  });
  assert.equal(await b2.network('d'), 'multi');
});

test('removed meanwhile (the last other host left): bound again, made from dockerd’s record', async () => {
  const { controller, created, nets } = fakeCnm();
  const b = new OverlayBindings({ controller, dockerNetwork: async () => docker('multi', '10.199.0.0/24') });
  await b.network('d');
  nets.length = 0;
  assert.equal(await b.network('d'), 'multi');
  assert.equal(created.length, 2);
  assert.equal(await b.known('d'), 'multi', 'DeleteNetwork gets the name without asking dockerd');
  assert.equal(await b.known('d'), undefined, 'and forgets it');
});

test('after a cnmd restart the bindings come back from dockerd’s overlay networks, once dockerd answers', async () => {
  const { controller } = fakeCnm([resource('multi', '10.199.0.0/24', {})]);
  let answers: DockerNetworkInfo[] | undefined;
  let asked = 0;
  const b = new OverlayBindings({
    controller,
    dockerNetworks: async () => (asked++, answers),
  });
  await b.recover();
  assert.equal(await b.known('d1'), undefined, 'dockerd not answering yet');
  answers = [
    { Id: 'd1', ...docker('multi', '10.199.0.0/24') },
    { Id: 'd2', Name: 'br', Options: { 'cnm.driver': 'bridge' } },
    { Id: 'd3', ...docker('gone', '10.198.0.0/24') },
  ];
  await b.recover();
  await b.recover();
  assert.equal(asked, 2, 'read once dockerd has answered');
  assert.equal(await b.known('d1'), 'multi');
  assert.equal(await b.known('d2'), undefined, 'a plugin bridge network is found by its label instead');
  assert.equal(await b.known('d3'), undefined, 'no cnm network of that name');
});
