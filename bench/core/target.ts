// A system under test. Everything measured goes through `api` with Docker's Engine API paths, so
// both systems take the same code path in measure.ts; only the unmeasured set-up of "workloads"
// (Docker containers vs cnm sandboxes) differs.
import type { UnixHttp } from '../lib/unix-http.js';

export interface Target {
  readonly name: 'cnm' | 'docker';
  readonly api: UnixHttp;
  /** Version string for the report, e.g. "Docker 20.10.24". */
  readonly version: string;
  /** Creates a workload attached to `network` and returns its id (as connect's `Container` takes it). */
  addWorkload(name: string, network: string): Promise<string>;
  /** Removes workloads made by addWorkload; unmeasured bulk clean-up. */
  removeWorkload(id: string): Promise<void>;
}

/** Docker's API version prefix. cnmd accepts the paths with and without it. */
export const API = '/v1.41';
