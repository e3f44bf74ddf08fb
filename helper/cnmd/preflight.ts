// cnmd's start-up check of what it needs from the host: the `ip` command (iproute2, used to make
// namespace files), libnftables (libnftables1), and the kernel features the bridge driver's
// dataplane needs. Any of those missing stops cnmd at once with a message naming the Debian package
// or kernel module, instead of a failure on the first network create. Features only some drivers
// need are reported (GET /info, `cnm info`) but do not stop it.
import fs from 'node:fs';
import path from 'node:path';
import type { KernelFeatures } from '../../model/cnm.js';
import { KERNEL_FEATURES, missingFeatureMessage, type KernelFeature } from '../../model/features.js';
import { noFeatures, probeKernel } from '../kernel/features.js';
import { checkLibnftables } from '../kernel/nftables/nft.js';

export interface PreflightResult {
  /** What the kernel has; all false when the probe could not run. */
  features: KernelFeatures;
  /** What stops cnmd, one message each. */
  fatal: string[];
  /** Absent features only some drivers need. */
  absent: string[];
  probeMs: number;
}

function onPath(cmd: string, envPath = process.env.PATH ?? ''): boolean {
  return envPath.split(':').some((dir) => {
    try {
      fs.accessSync(path.join(dir || '.', cmd), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export async function preflight(): Promise<PreflightResult> {
  const fatal: string[] = [];
  if (!onPath('ip')) fatal.push("the 'ip' command is missing: install the Debian package iproute2");
  try {
    checkLibnftables();
  } catch (err) {
    fatal.push((err as Error).message);
  }
  const none = noFeatures();
  // Without ip or libnftables the probe would only repeat those failures.
  if (fatal.length) return { features: none, fatal, absent: [], probeMs: 0 };
  let probe;
  try {
    probe = await probeKernel();
  } catch (err) {
    return { features: none, fatal: [(err as Error).message], absent: [], probeMs: 0 };
  }
  const absent: string[] = [];
  for (const f of Object.keys(KERNEL_FEATURES) as KernelFeature[]) {
    if (probe.features[f]) continue;
    const line = `${missingFeatureMessage(f)}: ${probe.errors[f]}`;
    (KERNEL_FEATURES[f].required ? fatal : absent).push(line);
  }
  return { features: probe.features, fatal, absent, probeMs: probe.ms };
}
