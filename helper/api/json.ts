// JSON exactly as Go's encoding/json writes it (Docker's API and `docker inspect`): HTML-significant
// characters escaped as \u003c \u003e \u0026, like json.Marshal does by default.
const HTML = /[<>&\u2028\u2029]/g;
const ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

export function goJson(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, null, indent) ?? 'null';
  return HTML.test(text) ? text.replace(HTML, (c) => ESCAPES[c]!) : text;
}
