// The grammars are data; this checks they parse, that every regex compiles, and that the scopes
// land on the tokens they are for (JS regexes stand in for Oniguruma: the syntax used is common; TextMate matches line by line, hence 'm').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const load = (f: string) => JSON.parse(fs.readFileSync(path.join(__dirname, f), 'utf8'));
const injection = load('cnm-injection.tmLanguage.json');
const topology = load('cnm-topology.tmLanguage.json');
const rule = (name: string) => new RegExp(injection.repository[name].match, 'gm');

test('grammars: scope names and includes hang together', () => {
  assert.equal(topology.scopeName, 'source.cnm-topology');
  assert.deepEqual(
    topology.patterns.map((p: { include: string }) => p.include),
    [injection.scopeName, 'source.yaml'],
  );
  for (const p of injection.patterns) assert.ok(injection.repository[p.include.slice(1)], p.include);
});

test('grammars: what each rule picks out', () => {
  const all = (name: string, text: string) => [...text.matchAll(rule(name))].map((m) => m[1] ?? m[0]).map((s) => s.trim());
  assert.deepEqual(all('cidr', 'subnet: 172.28.0.0/16 and fd00:77::/64, not 1.2.3.4'), ['172.28.0.0/16', 'fd00:77::/64']);
  assert.deepEqual(all('address', 'gateway: 172.28.0.1 / ::1 but not 172.28.0.0/16 or 1.2.3.4.5 or 300.1.1.1'), ['172.28.0.1', '::1']);
  assert.deepEqual(all('driver', 'driver: macvlan\ndriver: weave'), ['macvlan']);
  assert.deepEqual(all('option-key', '      com.docker.network.bridge.name: br0\n      parent: eth0\n      other: x'), [
    'com.docker.network.bridge.name',
    'parent',
  ]);
});
