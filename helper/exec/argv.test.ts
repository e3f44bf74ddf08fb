import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execArgv, execEnv } from './argv.js';

test('a sandbox namespace goes through ip netns exec with its hostname in a private UTS namespace; the host network directly or by nsenter', () => {
  assert.deepEqual(execArgv({ netnsPath: '/run/netns/cnm-a-0123456789ab' }, 'web', ['ip', 'addr']), [
    'ip',
    'netns',
    'exec',
    'cnm-a-0123456789ab',
    'unshare',
    '--uts',
    '--',
    'sh',
    '-c',
    'hostname "$0" && exec "$@"',
    'web',
    'ip',
    'addr',
  ]);
  assert.deepEqual(execArgv({ netnsPath: 'host' }, 'h', ['true']), ['true']);
  assert.deepEqual(execArgv({ netnsPath: 'host', netnsFile: '/proc/42/ns/net' }, 'h', ['true']), [
    'nsenter',
    '--net=/proc/42/ns/net',
    '--',
    'true',
  ]);
});

test("the environment is Docker's: PATH, HOSTNAME, TERM with a TTY, the caller's Env winning", () => {
  const env = execEnv('web', true, ['FOO=a=b', 'PATH=/x', 'bad']);
  assert.equal(env.HOSTNAME, 'web');
  assert.equal(env.TERM, 'xterm');
  assert.equal(env.FOO, 'a=b');
  assert.equal(env.PATH, '/x');
  assert.equal('bad' in env, false);
  assert.equal(execEnv('web', false).TERM, undefined);
});
