import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flagHelp, FlagError, parseFlags, type FlagSpec } from './flags.js';

const specs: FlagSpec[] = [
  { name: 'subnet', type: 'list', help: 'Subnet' },
  { name: 'driver', short: 'd', type: 'string', help: 'Driver' },
  { name: 'force', short: 'f', type: 'bool', help: 'Force' },
  { name: 'quiet', short: 'q', type: 'bool', help: 'Quiet' },
];

describe('flags', () => {
  it('parses long, long=, short, attached short, grouped bools, lists in order', () => {
    const a = parseFlags(['--subnet', '10.0.0.0/24', 'net', '--subnet=10.1.0.0/24', '-dmacvlan', '-fq'], specs);
    assert.deepEqual(a.list('subnet'), ['10.0.0.0/24', '10.1.0.0/24']);
    assert.equal(a.string('driver'), 'macvlan');
    assert.ok(a.bool('force') && a.bool('quiet'));
    assert.deepEqual(a.positionals, ['net']);
    assert.equal(parseFlags(['-d', 'bridge'], specs).string('driver'), 'bridge');
    assert.equal(parseFlags(['--force=false'], specs).bool('force'), false);
  });

  it('stops at -- and, when asked, at the first positional', () => {
    assert.deepEqual(parseFlags(['-f', '--', '-q', 'x'], specs).positionals, ['-q', 'x']);
    const a = parseFlags(['box', '-q', '--driver'], specs, true);
    assert.deepEqual(a.positionals, ['box', '-q', '--driver']);
    assert.equal(a.bool('quiet'), false);
  });

  it('names the flag in errors as cobra does', () => {
    assert.throws(() => parseFlags(['--x'], specs), new FlagError('unknown flag: --x'));
    assert.throws(() => parseFlags(['--subnet'], specs), new FlagError('flag needs an argument: --subnet'));
    assert.throws(() => parseFlags(['-d'], specs), new FlagError("flag needs an argument: 'd' in -d"));
    assert.throws(() => parseFlags(['-z'], specs), new FlagError("unknown shorthand flag: 'z' in -z"));
  });

  it('aligns help', () => {
    assert.equal(flagHelp(specs.slice(1, 3)), '  -d, --driver string   Driver\n  -f, --force           Force');
  });
});
