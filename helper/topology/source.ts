// From a file's text to its desired state: YAML errors and shape problems become one CnmError
// naming the file, which is what the CLI verbs want.
import { parseDocument } from 'yaml';
import { invalid } from '../errors.js';
import { desiredState } from './desired.js';
import { fileKind } from './kind.js';
import type { DesiredState } from './types.js';

export function desiredFromText(text: string, fileName: string): DesiredState {
  const kind = fileKind(fileName) ?? 'compose';
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw invalid(`${fileName}: ${doc.errors.map((e) => e.message.split('\n')[0]).join('; ')}`, { file: fileName });
  }
  const { state, problems } = desiredState(doc.toJS(), fileName, kind);
  if (problems.length > 0) throw invalid(`${fileName}: ${problems.join('; ')}`, { file: fileName });
  return state;
}
