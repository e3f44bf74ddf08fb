// Unknown keys and wrong types in the networking parts, against the vocabulary's shapes. Only the
// parts the shapes describe are walked: compose's other keys are another tool's business.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { branch, child, type Shape } from '../schema/shape.js';
import { rootShape } from '../schema/roots.js';
import { entries, spanOf } from '../document/table.js';
import type { Check, Finding } from './check.js';

const kindOf = (n: unknown): 'object' | 'array' | 'scalar' => (isMap(n) ? 'object' : isSeq(n) ? 'array' : 'scalar');

function scalarFits(shape: Shape, value: unknown): boolean {
  switch (shape.type) {
    case 'string':
      return typeof value === 'string' || typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return Number.isInteger(value);
    case 'null':
      return value === null;
    default:
      return true;
  }
}

const expected = (shape: Shape): string =>
  shape.anyOf
    ? shape.anyOf.map(expected).join(' or ')
    : shape.type === 'object'
      ? 'a map'
      : shape.type === 'array'
        ? 'a list'
        : (shape.type ?? 'a value');

function walk(node: unknown, shape: Shape, out: Finding[]): void {
  const candidates = shape.anyOf ?? [shape];
  const kind = kindOf(node);
  const fit = candidates.find((s) =>
    kind === 'scalar' ? branch(s, 'scalar') && scalarFits(s, isScalar(node) ? node.value : null) : s.type === kind,
  );
  const span = spanOf(node as Node);
  if (!fit) {
    if (span) out.push({ code: 'schema-type', message: `Expected ${expected(shape)}.`, span });
    return;
  }
  if (kind === 'object') {
    for (const [key, keyNode, value] of entries(node)) {
      const sub = child(fit, key);
      if (sub) walk(value, sub, out);
      else if (fit.additionalProperties === false)
        out.push({ code: 'schema-unknown-key', message: `Unknown key "${key}".`, span: spanOf(keyNode)! });
    }
  } else if (kind === 'array' && fit.items && isSeq(node)) {
    for (const item of node.items) walk(item, fit.items, out);
  }
}

export const schemaCheck: Check = ({ doc }) => {
  const out: Finding[] = [];
  if (doc.yaml.contents) walk(doc.yaml.contents, rootShape(doc.kind), out);
  return out;
};
