// The plan as people read it: one line per step, `+` made, `~` changed, `-` removed, like a diff.
import type { DesiredAttachment, DesiredNetwork, Plan, Step } from './types.js';

function networkSummary(n: DesiredNetwork): string {
  const subnets = n.ipam.config.map((c) => c.Subnet).filter(Boolean);
  return [n.driver, ...subnets].join(', ');
}

function attachmentSummary(a: DesiredAttachment): string {
  const parts = [a.ipv4, a.ipv6, ...a.aliases.map((x) => `alias ${x}`)].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

export function describeStep(s: Step): string {
  switch (s.kind) {
    case 'create-network':
      return `create network ${s.network.name} (${networkSummary(s.network)})`;
    case 'recreate-network':
      return `recreate network ${s.network.name}: ${s.changes.join('; ')}`;
    case 'remove-network':
      return `remove network ${s.name}`;
    case 'create-sandbox':
      return `create sandbox ${s.sandbox.name} on ${s.sandbox.attachments.map((a) => a.network + attachmentSummary(a)).join(', ') || 'none'}`;
    case 'recreate-sandbox':
      return `recreate sandbox ${s.sandbox.name}: ${s.changes.join('; ')}`;
    case 'remove-sandbox':
      return `remove sandbox ${s.name}`;
    case 'connect':
      return `connect ${s.sandbox} to ${s.attachment.network}${attachmentSummary(s.attachment)}`;
    case 'reconnect':
      return `reconnect ${s.sandbox} to ${s.attachment.network}: ${s.changes.join('; ')}`;
    case 'disconnect':
      return `disconnect ${s.sandbox} from ${s.network}`;
  }
}

const SIGN: Record<Step['kind'], string> = {
  'create-network': '+',
  'create-sandbox': '+',
  connect: '+',
  'recreate-network': '~',
  'recreate-sandbox': '~',
  reconnect: '~',
  'remove-network': '-',
  'remove-sandbox': '-',
  disconnect: '-',
};

export function formatPlan(p: Plan): string {
  const lines = p.steps.map((s) => `${SIGN[s.kind]} ${describeStep(s)}`);
  for (const b of p.blockers) lines.push(`! ${b}`);
  if (lines.length === 0) lines.push('No changes: the host matches the file.');
  return lines.join('\n') + '\n';
}
