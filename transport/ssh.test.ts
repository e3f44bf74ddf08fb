import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { lookupSshConfig } from './sshConfig.js';
import { checkHostKey } from './knownHosts.js';

const CONFIG = `
User fallback
Host box *.lab !bad.lab
  HostName 10.1.2.3
  Port 2200
  IdentityFile ~/.ssh/lab_key
Host *
  User everyone
  Port 22
`;

test('ssh config: first value wins, patterns and negation match as OpenSSH does', () => {
  assert.deepEqual(lookupSshConfig(CONFIG, 'box', '/home/u'), {
    hostName: '10.1.2.3',
    user: 'fallback',
    port: 2200,
    identityFiles: ['/home/u/.ssh/lab_key'],
  });
  assert.equal(lookupSshConfig(CONFIG, 'bad.lab', '/home/u').port, 22);
  assert.equal(lookupSshConfig(CONFIG, 'x.lab', '/home/u').hostName, '10.1.2.3');
});

test('known_hosts: plain, [host]:port, hashed, mismatch, revoked, unknown', () => {
  const key = Buffer.from('a-key');
  const other = Buffer.from('other').toString('base64');
  const b64 = key.toString('base64');
  const salt = Buffer.from('0123456789abcdef0123');
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('hidden.example').digest('base64')}`;
  const kh = [
    `box,10.1.2.3 ssh-ed25519 ${b64}`,
    `[box]:2200 ssh-ed25519 ${other}`,
    `${hashed} ssh-ed25519 ${b64}`,
    `@revoked evil ssh-ed25519 ${b64}`,
    `evil ssh-ed25519 ${b64}`,
  ].join('\n');
  assert.equal(checkHostKey(kh, 'box', 22, key), 'trusted');
  assert.equal(checkHostKey(kh, '10.1.2.3', 22, key), 'trusted');
  assert.equal(checkHostKey(kh, 'box', 2200, key), 'mismatch');
  assert.equal(checkHostKey(kh, 'hidden.example', 22, key), 'trusted');
  assert.equal(checkHostKey(kh, 'evil', 22, key), 'revoked');
  assert.equal(checkHostKey(kh, 'nowhere', 22, key), 'unknown');
});
