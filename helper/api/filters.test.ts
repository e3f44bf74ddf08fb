import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DockerEvent, NetworkResource } from '../../model/docker.js';
import { eventFilter, networkListFilter, parseFilters, pruneFilter } from './filters.js';
import { fixtureNetworks } from './testing/fake-controller.js';
import { parseTimestamp } from './timestamps.js';

const all = fixtureNetworks();
const pick = (keep: (n: NetworkResource) => boolean) =>
  all
    .filter(keep)
    .map((n) => n.Name)
    .sort();

describe('filters', () => {
  it('parses both encodings and rejects garbage', () => {
    assert.deepEqual(parseFilters('{"name":{"a":true,"b":false},"label":["x"]}'), { name: ['a'], label: ['x'] });
    assert.deepEqual(parseFilters(null), {});
    assert.throws(() => parseFilters('{'), /invalid filters/);
    assert.throws(() => parseFilters('{"name":"x"}'), /must be a list or a map/);
  });

  it('filters networks as dockerd does', () => {
    assert.deepEqual(pick(networkListFilter({ name: ['o'] })), ['custom', 'frontend', 'host', 'none']);
    assert.deepEqual(pick(networkListFilter({ name: ['host', 'none'] })), ['host', 'none']);
    assert.deepEqual(pick(networkListFilter({ dangling: ['false'] })), ['bridge', 'frontend', 'host', 'none']);
    assert.deepEqual(pick(networkListFilter({ dangling: ['1'] })), ['backend', 'custom', 'v6net']);
    assert.deepEqual(pick(networkListFilter({ driver: ['bridge'], type: ['builtin'] })), ['bridge']);
    assert.throws(() => networkListFilter({ until: ['1h'] }), /Invalid filter 'until'/);
  });

  it('matches name and id as unanchored regular expressions (filters.Args.Match)', () => {
    assert.deepEqual(pick(networkListFilter({ name: ['^b'] })), ['backend', 'bridge']);
    assert.deepEqual(pick(networkListFilter({ name: ['end$'] })), ['backend', 'frontend']);
    assert.deepEqual(pick(networkListFilter({ name: ['[', 'host'] })), ['host'], 'an invalid expression matches only by equality');
    const front = all.find((n) => n.Name === 'frontend')!;
    assert.deepEqual(pick(networkListFilter({ id: [`^${front.Id.slice(0, 6)}`] })), ['frontend']);
    assert.deepEqual(pick(networkListFilter({ id: [front.Id.slice(5, 20)] })), ['frontend'], 'anywhere in the id, not only a prefix');
    assert.throws(() => networkListFilter({ dangling: ['TRUE'] }), /invalid value for filter 'dangling'/);
  });

  it('builds the prune predicate from until, label and label!', () => {
    const created = Date.parse('2026-11-22T10:19:30Z') / 1000;
    assert.deepEqual(pick(pruneFilter({ until: [String(created)] }, created)), ['bridge', 'host', 'none']);
    assert.deepEqual(pick(pruneFilter({ 'label!': ['owner=steering'] }, 0)).includes('custom'), false);
    assert.deepEqual(pick(pruneFilter({ label: ['owner'] }, 0)), ['custom']);
    assert.throws(() => pruneFilter({ dangling: ['1'] }, 0), /Invalid filter 'dangling'/);
  });

  it('matches events by type, action, network id or name, container', () => {
    const ev: DockerEvent = {
      Type: 'network',
      Action: 'connect',
      Actor: { ID: 'abcdef', Attributes: { name: 'front', container: 'c0ffee', type: 'bridge' } },
      scope: 'local',
      time: 1,
      timeNano: 1e9,
    };
    assert.ok(eventFilter({ type: ['network'], event: ['connect', 'disconnect'] })(ev));
    assert.ok(eventFilter({ network: ['front'] })(ev));
    assert.ok(eventFilter({ network: ['abc'] })(ev));
    assert.ok(eventFilter({ container: ['c0ffee'] })(ev));
    assert.ok(!eventFilter({ type: ['container'] })(ev));
    assert.ok(!eventFilter({ network: ['back'] })(ev));
    assert.throws(() => eventFilter({ image: ['x'] }), /Invalid filter 'image'/);
  });

  it('parses Docker timestamps: durations, unix seconds, RFC 3339', () => {
    assert.equal(parseTimestamp('1700000000.5', 0), 1700000000.5);
    assert.equal(parseTimestamp('1h30m', 10_000), 10_000 - 5400);
    assert.equal(parseTimestamp('500ms', 10), 9.5);
    assert.equal(parseTimestamp('2026-11-22T10:00:00Z', 0), Date.parse('2026-11-22T10:00:00Z') / 1000);
    assert.throws(() => parseTimestamp('yesterday', 0), /invalid timestamp 'yesterday'/);
  });
});
