import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CnmError } from '../errors.js';
import { MethodNotAllowed } from './http.js';
import { Router, stripVersion, type Route } from './router.js';

const route = (method: Route['method'], path: string): Route => ({ method, path, handle: () => undefined });

describe('router', () => {
  const routes = [
    route('GET', '/networks'),
    route('GET', '/networks/{id}'),
    route('POST', '/networks/create'),
    route('POST', '/networks/{id}/connect'),
    route('DELETE', '/networks/{id}'),
  ];
  const router = new Router(routes);

  it('matches literal paths before parameters in declaration order, with params decoded', () => {
    assert.equal(router.match('POST', '/networks/create').route, routes[2]);
    const m = router.match('GET', '/networks/my%20net');
    assert.equal(m.route, routes[1]);
    assert.deepEqual(m.params, { id: 'my net' });
    assert.deepEqual(router.match('POST', '/v1.41/networks/abc/connect').params, { id: 'abc' });
  });

  it('answers 404 for unknown paths and 405 for a wrong method', () => {
    assert.throws(
      () => router.match('GET', '/nope'),
      (e: unknown) => e instanceof CnmError && e.status === 404 && e.message === 'page not found',
    );
    assert.throws(
      () => router.match('GET', '/networks/'),
      (e: unknown) => e instanceof CnmError && e.status === 404,
    );
    assert.throws(() => router.match('PUT', '/networks'), MethodNotAllowed);
  });

  it('strips the version prefix within [1.12, 1.41]', () => {
    assert.equal(stripVersion('/v1.41/_ping'), '/_ping');
    assert.equal(stripVersion('/v1.12/_ping'), '/_ping');
    assert.equal(stripVersion('/_ping'), '/_ping');
    assert.equal(stripVersion('/v1.41'), '/v1.41');
    assert.throws(() => stripVersion('/v1.50/networks'), /client version 1.50 is too new/);
    assert.throws(() => stripVersion('/v1.11/networks'), /client version 1.11 is too old/);
  });
});
