// Polling with a deadline, for tests that wait for something another process does (a sweep, a log
// line, a rename, another host's change).
/** Calls `probe` every `everyMs` until it returns a value; throws (with the last error) after `ms`. */
export async function waitFor<T>(what: string, ms: number, probe: () => T | undefined | Promise<T | undefined>, everyMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Waits until `cond` holds. */
export async function until(what: string, cond: () => boolean, ms = 15_000, everyMs = 50): Promise<void> {
  await waitFor(what, ms, () => (cond() ? true : undefined), everyMs);
}
