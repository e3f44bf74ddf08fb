// Networks a service names must be defined in the file (compose's implicit `default` aside), and
// network_mode excludes networks.
import type { Check, Finding } from './check.js';

export const referenceCheck: Check = ({ doc }) => {
  const out: Finding[] = [];
  for (const s of doc.table.services) {
    for (const a of s.attachments) {
      if (doc.table.byName.has(a.network) || (doc.kind === 'compose' && a.network === 'default')) continue;
      out.push({
        code: 'undefined-network',
        message: `Network "${a.network}" is not defined under networks:.`,
        span: a.span,
        fix: { kind: 'define-network', name: a.network },
      });
    }
    if (s.networkMode && s.networks) {
      out.push({
        code: 'network-mode-with-networks',
        message: `"${s.name}" sets network_mode "${s.networkMode.value}" and networks: use one or the other.`,
        span: s.networkMode.span,
      });
    }
  }
  return out;
};
