// Applies cnm's tables inside a throwaway netns and checks other tables are never touched.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { createNetns, deleteNetns } from '../netns/netns.js';
import { Firewall } from './nft.js';
import type { NetworkRules } from './ruleset.js';
import { isRoot, needsRoot } from '../../../test/root.js';

const ns = `t-nft-${process.pid}`;
let fw: Firewall;
const nft = (...args: string[]) => execFileSync('ip', ['netns', 'exec', ns, 'nft', ...args], { encoding: 'utf8' });
const rules: NetworkRules[] = [
  { networkId: 'c'.repeat(64), bridge: 'br-c', subnets: ['10.9.0.0/24'], internal: false, icc: false, masquerade: true },
];

before(async () => {
  if (!isRoot) return;
  await createNetns(ns);
  fw = Firewall.inNetns(`/run/netns/${ns}`);
  nft('add', 'table', 'inet', 'someone_else');
});

after(async () => {
  if (isRoot) await deleteNetns(ns);
});

test('apply replaces only the cnm table, in the target netns', needsRoot, async () => {
  await fw.apply(rules);
  await fw.apply(rules); // replacing is idempotent
  const tables = nft('list', 'tables');
  assert.match(tables, /table inet cnm/);
  assert.match(tables, /table inet someone_else/);
  assert.match(nft('list', 'table', 'inet', 'cnm'), /ip saddr 10\.9\.0\.0\/24 masquerade/);
  assert.match(nft('list', 'table', 'inet', 'cnm'), /iifname "br-c" oifname "br-c" drop/);
});

test('flush removes the cnm table and nothing else; a bad batch changes nothing', needsRoot, async () => {
  await fw.apply(rules);
  await assert.rejects(fw.apply([{ ...rules[0], subnets: ['10.9.0.0/24', '10.10.0.0/33'] }]));
  assert.match(nft('list', 'table', 'inet', 'cnm'), /10\.9\.0\.0\/24/);
  await fw.flush();
  await fw.flush();
  assert.equal(nft('list', 'tables').trim(), 'table inet someone_else');
});
