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
