import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HOST, hostLabel, parseHostUrl, resolveHostUrl } from './hostUrl.js';

test('setting wins over CNM_HOST, which wins over the default', () => {
  assert.equal(resolveHostUrl('unix:///a.sock', { CNM_HOST: 'unix:///b.sock' }), 'unix:///a.sock');
  assert.equal(resolveHostUrl('', { CNM_HOST: 'unix:///b.sock' }), 'unix:///b.sock');
  assert.equal(resolveHostUrl(undefined, {}), DEFAULT_HOST);
});

test('parses unix and ssh URLs', () => {
  assert.deepEqual(parseHostUrl('unix:///var/run/docker.sock'), {
    kind: 'unix',
    url: 'unix:///var/run/docker.sock',
    socketPath: '/var/run/docker.sock',
  });
  const s = parseHostUrl('ssh://ann@box.example:2222/tmp/c.sock');
  assert.deepEqual(s, {
    kind: 'ssh',
    url: 'ssh://ann@box.example:2222/tmp/c.sock',
    user: 'ann',
    host: 'box.example',
    port: 2222,
    socketPath: '/tmp/c.sock',
  });
  assert.equal(hostLabel(s), 'ann@box.example:2222');
  const d = parseHostUrl('ssh://box');
  assert.equal(d.socketPath, '/run/cnmd/cnmd.sock');
});

test('rejects what it cannot use, with a message that says the forms', () => {
  assert.throws(() => parseHostUrl('tcp://1.2.3.4:2375'), /unix:\/\/\/path/);
  assert.throws(() => parseHostUrl('unix://relative.sock'), /absolute/);
});
