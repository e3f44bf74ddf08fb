import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { SCHEMA_FILE, topologyJsonSchema } from './json-schema.js';

test('the published schema is generated from the vocabulary (rerun json-schema.ts if this fails)', () => {
  assert.equal(fs.readFileSync(SCHEMA_FILE, 'utf8'), topologyJsonSchema());
});
