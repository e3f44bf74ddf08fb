// The seam between the API layer and helper/diagnose: what GET /cnm/why, /cnm/why/matrix and
// /cnm/conflicts call, and the Warnings inspect shows. Diagnoser + ConflictWatch implement it.
import type { ReachabilityMatrix, SubnetConflict, WhyReport } from '../../model/diagnose.js';

export interface WhyQuery {
  /** Sandbox name, id or unique id prefix. */
  from: string;
  /** Sandbox, IP or hostname. */
  to: string;
  /** PORT[/tcp|/udp]. */
  port?: string;
  /** false: the model's answer only, no probe. */
  probe?: boolean;
}

export interface MatrixQuery {
  /** Network names or ids; none = every sandbox on the host. */
  networks?: string[];
  probe?: boolean;
}

export interface Diagnostics {
  why(q: WhyQuery): Promise<WhyReport>;
  matrix(q: MatrixQuery): Promise<ReachabilityMatrix>;
  /** The host routes/addresses overlapping a network's subnet now. */
  conflicts(): SubnetConflict[];
}
