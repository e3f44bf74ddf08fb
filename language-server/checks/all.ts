// The checks the diagnostics provider runs, static ones first.
import { addressCheck } from './addresses.js';
import type { Check } from './check.js';
import { driverCheck } from './drivers.js';
import { liveCheck } from './live.js';
import { portCheck } from './ports.js';
import { referenceCheck } from './references.js';
import { schemaCheck } from './schema.js';
import { subnetCheck } from './subnets.js';
import { syntaxCheck } from './syntax.js';

export const CHECKS: readonly Check[] = [
  syntaxCheck,
  schemaCheck,
  subnetCheck,
  addressCheck,
  referenceCheck,
  driverCheck,
  portCheck,
  liveCheck,
];
