// "Did you mean this?" for a mistyped command, as cobra suggests: candidates within an edit
// distance of 2 of what was typed, or that start with it.

const MAX_DISTANCE = 2;

/** Levenshtein distance (insert, delete, substitute), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[t.length];
}

/** The candidates close to `typed`, nearest first (each once). */
export function suggestions(typed: string, candidates: Iterable<string>): string[] {
  const scored = [...new Set(candidates)]
    .map((c) => ({ c, d: editDistance(typed, c) }))
    .filter(({ c, d }) => d <= MAX_DISTANCE || (typed.length > 0 && c.toLowerCase().startsWith(typed.toLowerCase())));
  return scored.sort((x, y) => x.d - y.d).map(({ c }) => c);
}

/** The lines cobra prints under an unknown command, or '' when nothing is close. */
export function didYouMean(typed: string, candidates: Iterable<string>): string {
  const close = suggestions(typed, candidates);
  return close.length ? `\nDid you mean this?\n${close.map((c) => `\t${c}\n`).join('')}\n` : '';
}
