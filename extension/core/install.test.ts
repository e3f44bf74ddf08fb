import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeInfo } from './fakeClient.js';
import { hostShortLabel, parseHostUrl } from '../../transport/hostUrl.js';
import { cannotInstall, helperVersion, installCommandLine, versionMismatch } from './install.js';

test('install command line: sudo unless root, paths quoted, Electron run as Node, a non-default socket passed on', () => {
  assert.equal(
    installCommandLine('/usr/lib/code/node', '/home/a b/.vscode/ext/dist/cnm.js', { isRoot: false }),
    'sudo "/usr/lib/code/node" "/home/a b/.vscode/ext/dist/cnm.js" install',
  );
  assert.equal(
    installCommandLine('/n', '/x/$HOME"/cnm.js', { isRoot: true }, '/run/cnmd/cnmd.sock'),
    '"/n" "/x/\\$HOME\\"/cnm.js" install',
  );
  assert.equal(
    installCommandLine('/usr/share/code/code', '/e/cnm.js', { isRoot: false, electron: true }, '/tmp/my.sock'),
    'sudo ELECTRON_RUN_AS_NODE=1 "/usr/share/code/code" "/e/cnm.js" install --socket "/tmp/my.sock"',
  );
});

test('where the helper cannot be installed, the reason says what to do', () => {
  assert.equal(cannotInstall({ platform: 'linux', isRoot: false, extensionVersion: '1' }, 'unix'), undefined);
  assert.match(cannotInstall({ platform: 'darwin', isRoot: false, extensionVersion: '1' }, 'unix')!, /Linux only.*Remote-SSH/);
  assert.match(cannotInstall({ platform: 'linux', isRoot: false, extensionVersion: '1' }, 'ssh')!, /ssh:\/\/.*Remote-SSH/);
});

test('version mismatch: /info Cnm.version, else a cnmd\'s /version; a Docker engine is never "outdated"', () => {
  const cnmd = { state: 'connected' as const, version: '0.0.9', platform: 'cnmd' };
  assert.equal(helperVersion(cnmd, undefined), '0.0.9');
  assert.equal(helperVersion(cnmd, fakeInfo(['bridge'], '0.0.8')), '0.0.8');
  assert.equal(versionMismatch('0.1.0', cnmd, undefined), '0.0.9');
  assert.equal(versionMismatch('0.0.9', cnmd, undefined), undefined);
  assert.equal(
    versionMismatch('0.1.0', { state: 'connected', version: '20.10.24', platform: 'Docker Engine - Community' }, undefined),
    undefined,
  );
  assert.equal(versionMismatch('0.1.0', { state: 'connecting' }, undefined), undefined);
});

test('the connection row label is short enough for the sidebar; the URL goes to its tooltip', () => {
  assert.equal(hostShortLabel(parseHostUrl('unix:///run/cnmd/cnmd.sock')), 'local cnmd');
  assert.equal(hostShortLabel(parseHostUrl('unix:///var/run/docker.sock')), 'local docker.sock');
  assert.equal(hostShortLabel(parseHostUrl('ssh://ann@box:2222')), 'ann@box:2222');
});
