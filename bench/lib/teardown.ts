// One teardown stack for everything a benchmark starts. Steps run in reverse order of
// registration, each one even if an earlier one failed, on normal exit, on error and on Ctrl-C.

type Step = { label: string; fn: () => Promise<void> };
const steps: Step[] = [];
let running: Promise<void> | undefined;

export function onTeardown(label: string, fn: () => Promise<void>): void {
  steps.push({ label, fn });
}

/** True once teardown has begun: work still in flight should stop rather than report half-results. */
export function tearingDown(): boolean {
  return running !== undefined;
}

export function teardown(): Promise<void> {
  running ??= (async () => {
    for (let s = steps.pop(); s; s = steps.pop()) {
      try {
        await s.fn();
      } catch (e) {
        console.error(`teardown: ${s.label} failed: ${(e as Error).message}`);
      }
    }
  })();
  return running;
}

/** A signal tears down and exits; repeated signals are ignored so the clean-up is never cut short. */
export function teardownOnSignals(): void {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (running) {
        console.error(`\n${sig}: clean-up already under way, please wait`);
        return;
      }
      console.error(`\n${sig}: stopping everything the benchmark started …`);
      void teardown().finally(() => process.exit(130));
    });
  }
}

/** Runs a benchmark's main, then the teardown in any case; a failure sets exit status 1. */
export function runBenchmark(main: () => Promise<void>): void {
  main()
    .catch((e: Error) => {
      console.error(`bench: ${e.message}`);
      process.exitCode = 1;
    })
    .finally(async () => {
      console.error('stopping everything the benchmark started …');
      await teardown();
    });
}
