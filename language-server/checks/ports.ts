// Compose `ports:` of each service: the syntax (parsed as `docker run -p` is, model/ports.ts), a
// host port taken twice in the file, and (with cnmd connected) a host port the live host already
// publishes for another sandbox.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { hostIpsOverlap, parsePortRange, parsePortSpec, PortSpecError, type PortProto } from '../../model/ports.js';
import { get, spanOf, type Span } from '../document/table.js';
import type { Check, Finding } from './check.js';

interface HostPort {
  service: string;
  ip: string;
  proto: PortProto;
  port: number;
  span: Span;
}

/** The fixed host ports an entry asks for (short `8080:80` or long `{published, host_ip, protocol}` syntax). */
function hostPorts(service: string, item: Node, out: Finding[]): HostPort[] {
  const span = spanOf(item)!;
  if (isMap(item)) {
    const published = get(item, 'published');
    const range = published === undefined ? undefined : parsePortRange(String(published));
    if (!range) return [];
    const proto = String(get(item, 'protocol') ?? 'tcp') as PortProto;
    const ip = String(get(item, 'host_ip') ?? '');
    return Array.from({ length: range[1] - range[0] + 1 }, (_, i) => ({ service, ip, proto, port: range[0] + i, span }));
  }
  if (!isScalar(item)) return [];
  try {
    const { bindings } = parsePortSpec(String(item.value));
    return Object.entries(bindings).flatMap(([key, list]) => {
      const proto = key.split('/')[1] as PortProto;
      // A host range for one port lets the engine pick: no fixed port to collide on.
      return list!.filter((b) => /^\d+$/.test(b.HostPort)).map((b) => ({ service, ip: b.HostIp, proto, port: Number(b.HostPort), span }));
    });
  } catch (err) {
    if (!(err instanceof PortSpecError)) throw err;
    out.push({ code: 'invalid-port', message: `${err.message}.`, span });
    return [];
  }
}

const anyIp = (ip: string) => ip || '0.0.0.0';
const clash = (a: { ip: string; proto: string; port: number }, b: { ip: string; proto: string; port: number }) =>
  a.port === b.port && a.proto === b.proto && hostIpsOverlap(anyIp(a.ip), anyIp(b.ip));

export const portCheck: Check = ({ doc, host }) => {
  const out: Finding[] = [];
  const all: HostPort[] = [];
  for (const s of doc.table.services) {
    const ports = get(s.map, 'ports');
    if (isSeq(ports)) for (const item of ports.items) all.push(...hostPorts(s.name, item as Node, out));
  }
  all.forEach((p, i) => {
    const first = all.slice(0, i).find((q) => clash(p, q));
    if (first) {
      out.push({
        code: 'duplicate-host-port',
        message: `Host port ${p.port}/${p.proto} is already published by service "${first.service}" in this file.`,
        span: p.span,
      });
    }
  });
  for (const p of host ? all : []) {
    for (const sb of host!.sandboxes) {
      if (sb.name === p.service) continue; // the service's own sandbox, re-applied
      const taken = Object.entries(sb.NetworkSettings?.Ports ?? {}).find(([key, list]) =>
        (list ?? []).some((b) => clash(p, { ip: b.HostIp, proto: key.split('/')[1]!, port: Number(b.HostPort) })),
      );
      if (taken) {
        out.push({
          code: 'host-port-published',
          message: `Host port ${p.port}/${p.proto} is already published on the host by sandbox "${sb.name}" (${taken[0]}).`,
          span: p.span,
        });
        break;
      }
    }
  }
  return out;
};
