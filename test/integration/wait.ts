// A bounded wait for something the daemon does in the background (a sweep, a log line, a rename).

export async function until(what: string, cond: () => boolean, ms = 15_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
