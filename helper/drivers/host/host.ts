// The host driver: the sandbox shares cnmd's own netns (no namespace or netlink socket of its
// own), so like null there is nothing to make; what differs is what the core reads in `caps`.
import type { DriverName } from '../../../model/cnm.js';
import type { Capabilities } from '../driver.js';
import { NULL_CAPS, NullDriver } from '../null/null.js';

export class HostDriver extends NullDriver {
  override readonly name: DriverName = 'host';
  override readonly caps: Capabilities = { ...NULL_CAPS, hostNetns: true };
}
