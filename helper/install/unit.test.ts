import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PREFLIGHT_EXIT } from '../cnmd/flags.js';
import { cnmdArgv, createdGroupOf, pathsOfUnit, renderUnit, unitPath, type UnitSpec } from './unit.js';

const spec: UnitSpec = {
  unitDir: '/etc/systemd/system',
  stateDir: '/var/lib/cnmd',
  runDir: '/run/cnmd',
  socket: '/run/cnmd/cnmd.sock',
  group: 'cnm',
  node: '/usr/bin/node',
  cnmd: '/opt/cnm/dist/cnmd.js',
  createdGroup: true,
};

test('the unit runs the bundled cnmd with this node and the documented paths', () => {
  const unit = renderUnit(spec);
  assert.match(
    unit,
    /^ExecStart=\/usr\/bin\/node \/opt\/cnm\/dist\/cnmd\.js --socket \/run\/cnmd\/cnmd\.sock --state-dir \/var\/lib\/cnmd --run-dir \/run\/cnmd --group cnm$/m,
  );
  assert.match(unit, /^\[Service\]\nType=simple$/m);
  assert.match(unit, /^WantedBy=multi-user\.target$/m);
  assert.match(unit, new RegExp(`^RestartPreventExitStatus=${PREFLIGHT_EXIT}$`, 'm'));
  assert.match(unit, /^Restart=on-failure$/m, 'systemd restarts cnmd after a crash or a kill');
  assert.equal(unitPath(spec), '/etc/systemd/system/cnmd.service');
});

test('an Electron binary (desktop VS Code ran the install) runs cnmd as Node', () => {
  assert.doesNotMatch(renderUnit(spec), /ELECTRON_RUN_AS_NODE/);
  assert.match(renderUnit({ ...spec, electron: true }), /^Environment=ELECTRON_RUN_AS_NODE=1\nExecStart=/m);
});

test('the unit keeps cnmd in the host mount and network namespaces', () => {
  const settings = renderUnit(spec)
    .split('\n')
    .filter((l) => !l.startsWith('#'));
  for (const key of [
    'PrivateMounts',
    'PrivateTmp',
    'ProtectSystem',
    'ProtectHome',
    'PrivateNetwork',
    'NetworkNamespacePath',
    'MountFlags',
  ]) {
    assert.ok(!settings.some((l) => l.startsWith(`${key}=`)), `${key} must not be set`);
  }
});

test('the group install created is recorded in the unit, and only then', () => {
  assert.equal(createdGroupOf(renderUnit(spec)), 'cnm');
  assert.equal(createdGroupOf(renderUnit({ ...spec, createdGroup: false })), undefined);
  assert.equal(createdGroupOf(renderUnit({ ...spec, group: 'netdev', createdGroup: true })), 'netdev');
});

test('uninstall reads the paths back from the unit it finds', () => {
  const odd = { ...spec, stateDir: '/srv/my "state"', runDir: '/run/a b', socket: '/run/a b/s.sock', group: 'g1' };
  assert.deepEqual(pathsOfUnit(renderUnit(odd)), {
    socket: '/run/a b/s.sock',
    stateDir: '/srv/my "state"',
    runDir: '/run/a b',
    group: 'g1',
  });
  assert.deepEqual(pathsOfUnit('[Service]\n'), {});
});

test('paths with spaces are quoted as systemd reads them', () => {
  const argv = cnmdArgv({ ...spec, cnmd: '/home/a b/dist/cnmd.js' });
  assert.equal(argv[1], '/home/a b/dist/cnmd.js');
  assert.match(
    renderUnit({ ...spec, cnmd: '/home/a b/dist/cnmd.js' }),
    /^ExecStart=\/usr\/bin\/node "\/home\/a b\/dist\/cnmd\.js" --socket/m,
  );
});
