// YAML errors and warnings as the `yaml` parser reports them, at the offsets it gives.
import type { Check } from './check.js';

export const syntaxCheck: Check = ({ doc }) =>
  [
    ...doc.yaml.errors.map((e) => ({ e, severity: 'error' as const })),
    ...doc.yaml.warnings.map((e) => ({ e, severity: 'warning' as const })),
  ].map(({ e, severity }) => ({
    code: 'yaml-syntax',
    message: e.message.split('\n')[0],
    span: { start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1) },
    severity,
  }));
