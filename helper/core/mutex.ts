/** Runs async sections one at a time: every change to networks, endpoints and sandboxes goes
 * through one queue, so allocation (interface names, addresses) never races. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
