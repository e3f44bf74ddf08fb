// Retry delays for calls to the cluster store: exponential from 200 ms to 5 s, with jitter so that
// hosts that lost etcd together do not come back in lock-step.
const FIRST_MS = 200;
const MAX_MS = 5000;

export function backoffDelay(attempt: number, random = Math.random): number {
  const ceiling = Math.min(MAX_MS, FIRST_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** A sleep that `wake()` ends early (shutdown must not wait for a backoff to run out). */
export class Sleeper {
  private timer: NodeJS.Timeout | undefined;
  private resolve: (() => void) | undefined;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  wake(): void {
    clearTimeout(this.timer);
    this.resolve?.();
  }
}
