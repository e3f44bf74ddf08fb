// The null driver (network "none"): the sandbox keeps only its loopback; nothing to make. The
// smallest driver, and the template for a new one (see ../README.md, "Adding a driver").
import type { DriverName } from '../../../model/cnm.js';
import type { Capabilities, NetworkDriver } from '../driver.js';

export const NULL_CAPS: Capabilities = {
  ipam: false,
  hostNetns: false,
  singleton: true,
  gateway: false,
  interfaces: false,
  exclusive: true,
  scope: 'local',
  parentLink: false,
};

export class NullDriver implements NetworkDriver<null> {
  readonly name: DriverName = 'null';
  readonly caps: Capabilities = NULL_CAPS;

  async validate(): Promise<null> {
    return null;
  }

  async setupNetwork(): Promise<void> {}
  async teardownNetwork(): Promise<void> {}
  async setupEndpoint(): Promise<void> {}
  async teardownEndpoint(): Promise<void> {}
}
