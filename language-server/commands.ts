// The workspace commands behind the code lens, for any LSP client: the diff as a message, and
// apply after a confirmation, with work-done progress, reporting the outcome.
import type { Connection } from 'vscode-languageserver';
import type { ApiClient } from '../helper/api/client.js';
import { describeStep } from '../helper/topology/format.js';
import type { CnmDocument } from './document/document.js';
import { applyDocument, diffDocument, type ApplyResult, type DiffResult } from './providers/apply.js';

const APPLY = 'Apply';

export async function runDiffCommand(connection: Connection, doc: CnmDocument, client: ApiClient): Promise<DiffResult> {
  const diff = await diffDocument(doc, client);
  connection.window.showInformationMessage(diff.text);
  return diff;
}

export async function runApplyCommand(
  connection: Connection,
  doc: CnmDocument,
  client: ApiClient,
  refreshed: () => unknown,
): Promise<ApplyResult | undefined> {
  const diff = await diffDocument(doc, client);
  if (diff.problems.length > 0) {
    connection.window.showErrorMessage(`Cannot apply: ${diff.problems.join('; ')}`);
    return undefined;
  }
  if (diff.steps === 0) {
    connection.window.showInformationMessage(diff.text);
    return { ...diff, applied: 0 };
  }
  const answer = await connection.window.showWarningMessage(`Apply to host?\n${diff.text}`, { title: APPLY }, { title: 'Cancel' });
  if (answer?.title !== APPLY) return undefined;
  const progress = await connection.window.createWorkDoneProgress();
  progress.begin('Applying to host', 0, undefined, false);
  try {
    const result = await applyDocument(doc, client, (done, total, step) =>
      progress.report(Math.round((done / total) * 100), describeStep(step)),
    );
    connection.window.showInformationMessage(`Applied ${result.applied} step(s).`);
    return result;
  } catch (err) {
    connection.window.showErrorMessage(err instanceof Error ? err.message : String(err));
    return undefined;
  } finally {
    progress.done();
    await refreshed();
  }
}
