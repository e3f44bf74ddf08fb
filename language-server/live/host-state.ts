// The host as cnmd reports it, cached for the live checks and completions: fetched on connect and
// again after each event (coalesced), dropped when the connection goes, retried with backoff.
// Providers only read `snapshot`, so no keystroke ever waits on cnmd.
import type { ApiClient } from '../../helper/api/client.js';
import type { HostSnapshot } from '../checks/check.js';

const REFRESH_DELAY_MS = 50;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

export class HostState {
  snapshot: HostSnapshot | undefined;
  private readonly abort = new AbortController();
  private refreshTimer: NodeJS.Timeout | undefined;
  private retryMs = RETRY_MIN_MS;

  constructor(
    readonly client: ApiClient,
    /** Called whenever the snapshot changes (including to undefined). */
    private readonly onChange: () => void,
    private readonly log: (message: string) => void,
  ) {}

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.abort.abort();
    clearTimeout(this.refreshTimer);
  }

  get connected(): boolean {
    return this.snapshot !== undefined;
  }

  /** Fetches everything now; resolves when the snapshot is current (tests and apply use it). */
  async refresh(): Promise<void> {
    const [info, networks, sandboxes, host] = await Promise.all([
      this.client.info(),
      this.client.listNetworks(),
      this.client.listSandboxes(),
      this.client.hostInfo(),
    ]);
    this.snapshot = { daemon: { name: info.Name, url: this.client.host, drivers: info.Plugins.Network }, networks, sandboxes, host };
    this.onChange();
  }

  private async loop(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        const events = this.client.events({ signal: this.abort.signal });
        await this.refresh();
        this.retryMs = RETRY_MIN_MS;
        for await (const _ of events) this.scheduleRefresh();
      } catch (err) {
        if (this.abort.signal.aborted) return;
        this.log(`cnmd not reachable at ${this.client.host}: ${err instanceof Error ? err.message : String(err)}; live checks off`);
      }
      if (this.snapshot) {
        this.snapshot = undefined;
        this.onChange();
      }
      await new Promise((r) => setTimeout(r, this.retryMs).unref());
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    }
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refresh().catch((err) => this.log(`refresh from cnmd failed: ${err instanceof Error ? err.message : String(err)}`));
    }, REFRESH_DELAY_MS);
  }
}
