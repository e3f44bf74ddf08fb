import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didYouMean, editDistance, suggestions } from './suggest.js';

test('edit distance: insertions, deletions, substitutions, transposition as two; case-insensitive', () => {
  assert.equal(editDistance('network', 'network'), 0);
  assert.equal(editDistance('netwrok', 'network'), 2);
  assert.equal(editDistance('ls', 'lss'), 1);
  assert.equal(editDistance('sandbx', 'sandbox'), 1);
  assert.equal(editDistance('Network', 'network'), 0);
  assert.equal(editDistance('', 'dns'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('suggestions: within 2 edits or a prefix, nearest first, each once; nothing close gives no hint', () => {
  const verbs = ['network', 'network', 'sandbox', 'exec', 'dns', 'apply', 'diff', 'lsp', 'version'];
  assert.deepEqual(suggestions('netwrok', verbs), ['network']);
  assert.deepEqual(suggestions('dif', verbs), ['diff', 'dns']);
  assert.deepEqual(suggestions('ver', verbs), ['version']);
  assert.deepEqual(suggestions('bogus', verbs), []);
  assert.equal(didYouMean('bogus', verbs), '');
  assert.equal(didYouMean('exce', verbs), '\nDid you mean this?\n\texec\n\n');
});
