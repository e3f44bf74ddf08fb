// Diagnostics: every check's findings as LSP diagnostics, with the code and the quick fix the
// finding carries (in `data`, read back by the code-action provider).
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { CHECKS } from '../checks/all.js';
import type { Fix, HostSnapshot } from '../checks/check.js';
import { rangeOf, type CnmDocument } from '../document/document.js';

export const SOURCE = 'cnm';

export function diagnose(doc: CnmDocument, host: HostSnapshot | undefined): Diagnostic[] {
  return CHECKS.flatMap((check) => check({ doc, host })).map((f) => ({
    range: rangeOf(doc, f.span),
    severity: f.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error,
    code: f.code,
    source: SOURCE,
    message: f.message,
    data: f.fix satisfies Fix | undefined,
  }));
}
