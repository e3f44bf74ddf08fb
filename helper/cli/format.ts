// Docker's --format handling for list verbs: `table` prefix (header + tabwriter columns), plain
// templates (one line per item), `{{json .}}`, and literal `\t` in the format meaning a tab.
import { parseTemplate, render } from './template.js';
import { tabwrite } from './table.js';

/** Rows are string-valued records; headers map each field to its column title. */
export function formatList(rows: Array<Record<string, string>>, headers: Record<string, string>, format: string): string {
  const table = format.startsWith('table');
  const source = (table ? format.slice('table'.length).trimStart() : format).replace(/\\t/g, '\t');
  const template = parseTemplate(source);
  if (!table) return rows.map((r) => render(template, sorted(r)) + '\n').join('');
  const header = source.includes('{{json .}}') ? [] : [render(template, headers)];
  return tabwrite([...header, ...rows.map((r) => render(template, sorted(r)))]);
}

/** `{{json .}}` prints the fields sorted by name, as Docker's formatter contexts do. */
function sorted(row: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1)));
}
