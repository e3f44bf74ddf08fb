// The published JSON Schema for *.cnm.yaml files, made from the same vocabulary the server checks
// with. `node --import tsx language-server/schema/json-schema.ts` rewrites the file; a test checks
// that it is current.
import fs from 'node:fs';
import path from 'node:path';
import { TOPOLOGY } from './vocabulary.js';

export const SCHEMA_FILE = path.join(__dirname, 'cnm-topology.schema.json');

export function topologyJsonSchema(): string {
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'cnm topology file (*.cnm.yaml)',
    ...TOPOLOGY,
  };
  return JSON.stringify(schema, null, 2) + '\n';
}

if (require.main === module) fs.writeFileSync(SCHEMA_FILE, topologyJsonSchema());
