// Names the document's objects get on the host (compose prefixes its project), so live checks
// compare like with like.
import { fileURLToPath } from 'node:url';
import { isScalar } from 'yaml';
import { networkHostName } from '../../helper/topology/desired.js';
import { projectName } from '../../helper/topology/kind.js';
import type { CnmDocument } from './document.js';
import { get, type NetworkDef } from './table.js';

export function filePath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : decodeURIComponent(new URL(uri).pathname);
}

export function documentProject(doc: CnmDocument): string {
  const declared = get(doc.table.root, 'name');
  return projectName(filePath(doc.uri), doc.kind, isScalar(declared) ? declared.value : undefined);
}

export function hostNameOf(doc: CnmDocument, n: NetworkDef): string {
  return networkHostName(
    n.name,
    { name: n.hostName, external: n.external?.value === true || n.external?.value === 'true' },
    doc.kind,
    documentProject(doc),
  );
}
