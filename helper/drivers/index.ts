// The drivers this cnmd implements: the one list in the helper (model/drivers.ts is the full
// vocabulary, including drivers cnmd does not implement). Each core gets its own registry, so
// driver state is never shared between cores; tests pass their own factories.
import type { DriverName } from '../../model/cnm.js';
import { CnmError } from '../errors.js';
import { BridgeDriver } from './bridge/bridge.js';
import type { DriverDeps, DriverFactory, DriverRegistry, NetworkDriver } from './driver.js';
import { HostDriver } from './host/host.js';
import { MacvlanDriver } from './macvlan/macvlan.js';
import { NullDriver } from './null/null.js';
import { OverlayDriver } from './overlay/overlay.js';

export const DRIVER_FACTORIES: readonly DriverFactory[] = [
  (deps) => new BridgeDriver(deps),
  (deps) => new MacvlanDriver(deps),
  (deps) => new OverlayDriver(deps),
  () => new HostDriver(),
  () => new NullDriver(),
];

export function createRegistry(deps: DriverDeps, factories: readonly DriverFactory[] = DRIVER_FACTORIES): DriverRegistry {
  const drivers = new Map<string, NetworkDriver>(factories.map((f) => f(deps)).map((d) => [d.name, d]));
  return {
    get(name) {
      const d = drivers.get(name);
      if (!d) throw new CnmError('not-found', `plugin "${name}" not found`, { call: 'driver lookup' });
      return d;
    },
    all: () => [...drivers.values()],
    names: () => [...drivers.keys()] as DriverName[],
  };
}
