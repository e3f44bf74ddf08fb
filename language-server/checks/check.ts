// What a check is: a function from the parsed document (and the cached host state, when cnmd is
// connected) to findings with a code and a source span. The diagnostics provider runs them all.
import type { HostInfo, SandboxView } from '../../model/cnm.js';
import type { NetworkResource } from '../../model/docker.js';
import type { CnmDocument } from '../document/document.js';
import type { Span } from '../document/table.js';
import type { Code } from './codes.js';

/** What cnmd last told us about the host; refreshed from its events. */
export interface HostSnapshot {
  /** The connected cnmd: its host's name, its address, and the drivers it implements (GET /info). */
  daemon: { name: string; url: string; drivers: readonly string[] };
  networks: NetworkResource[];
  sandboxes: SandboxView[];
  host: HostInfo;
}

/** A quick fix the finding carries, so code actions need not recompute it. */
export type Fix =
  | { kind: 'replace'; text: string; title: string }
  | { kind: 'delete-line'; title: string }
  | { kind: 'define-network'; name: string }
  | { kind: 'free-subnet' };

export interface Finding {
  code: Code;
  message: string;
  span: Span;
  severity?: 'error' | 'warning';
  fix?: Fix;
}

export interface CheckContext {
  doc: CnmDocument;
  /** undefined when cnmd is not connected: live checks then find nothing. */
  host?: HostSnapshot;
}

export type Check = (ctx: CheckContext) => Finding[];
