// "Apply to host": the plan that makes cnmd's host match the document (helper/topology), shown as
// a diff and carried out with progress. Reads the host fresh rather than from the cache: what is
// applied must be planned against the present state.
import type { ApiClient } from '../../helper/api/client.js';
import { desiredState } from '../../helper/topology/desired.js';
import { execute, type Progress } from '../../helper/topology/execute.js';
import { formatPlan } from '../../helper/topology/format.js';
import { plan } from '../../helper/topology/plan.js';
import type { Plan } from '../../helper/topology/types.js';
import type { CnmDocument } from '../document/document.js';
import { filePath } from '../document/names.js';

export const APPLY_COMMAND = 'cnm.applyToHost';
export const DIFF_COMMAND = 'cnm.showDiff';
/** Custom requests for clients that show the diff themselves: params { uri }. */
export const DIFF_REQUEST = 'cnm/diff';
export const APPLY_REQUEST = 'cnm/apply';

export interface DiffResult {
  uri: string;
  /** One line per step: `+` made, `~` changed, `-` removed, `!` blocker. */
  text: string;
  steps: number;
  /** Reasons apply would refuse: YAML errors, undefined networks, missing external networks. */
  problems: string[];
}

export interface ApplyResult extends DiffResult {
  applied: number;
}

async function planFor(doc: CnmDocument, client: ApiClient): Promise<{ p: Plan; problems: string[] }> {
  const syntax = doc.yaml.errors.map((e) => e.message.split('\n')[0]);
  const { state, problems } = desiredState(doc.yaml.toJS(), filePath(doc.uri), doc.kind);
  const [networks, sandboxes] = await Promise.all([client.listNetworks(), client.listSandboxes()]);
  const p = plan(state, { networks, sandboxes });
  return { p, problems: [...syntax, ...problems, ...p.blockers] };
}

export async function diffDocument(doc: CnmDocument, client: ApiClient): Promise<DiffResult> {
  const { p, problems } = await planFor(doc, client);
  return { uri: doc.uri, text: formatPlan(p), steps: p.steps.length, problems };
}

export async function applyDocument(doc: CnmDocument, client: ApiClient, progress?: Progress): Promise<ApplyResult> {
  const { p, problems } = await planFor(doc, client);
  const result = { uri: doc.uri, text: formatPlan(p), steps: p.steps.length, problems };
  if (problems.length > 0) throw new Error(`cannot apply ${filePath(doc.uri)}: ${problems.join('; ')}`);
  await execute(p, client, progress);
  return { ...result, applied: p.steps.length };
}
