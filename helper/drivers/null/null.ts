// The null driver (network "none"): the sandbox keeps only its loopback; nothing to make.
import type { NetworkDriver } from '../driver.js';

export const nullDriver: NetworkDriver = {
  name: 'null',
  validate() {},
  async setupNetwork() {},
  async teardownNetwork() {},
  async setupEndpoint() {},
  async teardownEndpoint() {},
  rules: () => null,
};
