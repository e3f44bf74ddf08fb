// What `network inspect` and `sandbox inspect` share: fetch each name, print the found ones as a
// 4-space JSON array (or through -f), report each missing one, exit 1 if any failed.
import { goJson } from '../api/json.js';
import { errorLine } from './errors.js';
import { parseTemplate, render } from './template.js';
import type { CliContext } from './verb.js';
import type { FlagSpec } from './flags.js';

export const FORMAT_FLAG: FlagSpec = { name: 'format', short: 'f', type: 'string', help: 'Format the output using the given Go template' };

export async function inspectEach<T>(
  names: string[],
  format: string | undefined,
  ctx: CliContext,
  fetch: (name: string) => Promise<T>,
): Promise<number> {
  const template = format ? parseTemplate(format) : undefined;
  const found: T[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      found.push(await fetch(name));
    } catch (err) {
      errors.push(errorLine(err));
    }
  }
  if (template) ctx.io.stdout(found.map((x) => render(template, x) + '\n').join(''));
  else ctx.io.stdout(goJson(found, 4) + '\n');
  for (const e of errors) ctx.io.stderr(e + '\n');
  return errors.length ? 1 : 0;
}
