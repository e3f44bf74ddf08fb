// Driver lookup by name. Unknown names answer as Docker does: `plugin "<name>" not found`, 404.
import { CnmError } from '../errors.js';
import { bridgeDriver } from './bridge/bridge.js';
import type { NetworkDriver } from './driver.js';
import { hostDriver } from './host/host.js';
import { nullDriver } from './null/null.js';

const DRIVERS = new Map<string, NetworkDriver>([bridgeDriver, hostDriver, nullDriver].map((d) => [d.name, d]));

export function driverFor(name: string): NetworkDriver {
  const d = DRIVERS.get(name);
  if (!d) throw new CnmError('not-found', `plugin "${name}" not found`, { call: 'driver lookup' });
  return d;
}

export function allDrivers(): NetworkDriver[] {
  return [...DRIVERS.values()];
}
