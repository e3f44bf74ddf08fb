import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { DockerEvent } from '../../model/docker.js';
import { EventRing } from './events.js';

const at = (seconds: number, action = 'create'): DockerEvent => ({
  Type: 'network',
  Action: action,
  Actor: { ID: 'n', Attributes: {} },
  scope: 'local',
  time: seconds,
  timeNano: seconds * 1e9,
});

test('the ring keeps the most recent events and answers a since/until window', () => {
  const source = new EventEmitter<{ event: [DockerEvent] }>();
  const ring = new EventRing(source, 3);
  for (const t of [10, 20, 30, 40]) source.emit('event', at(t));
  assert.deepEqual(
    ring.between(0, undefined).map((e) => e.time),
    [20, 30, 40],
    'the oldest one fell out',
  );
  assert.deepEqual(
    ring.between(25, 35).map((e) => e.time),
    [30],
  );
  assert.deepEqual(ring.between(41, undefined), []);
});
