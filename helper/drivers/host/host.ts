// The host driver: the sandbox shares cnmd's own netns (Sandbox.netnsPath 'host', no netlink
// socket of its own), so like null there is nothing to make; only the name differs.
import type { NetworkDriver } from '../driver.js';
import { nullDriver } from '../null/null.js';

export const hostDriver: NetworkDriver = { ...nullDriver, name: 'host' };
