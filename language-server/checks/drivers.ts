// Drivers and their options from the shared vocabulary: known driver, known option keys for that
// driver, and options a network is of little use without (macvlan without a parent is isolated, as in cnmd).
import { DRIVERS } from '../../model/cnm.js';
import { DEFAULT_DRIVER, driverInfo, driverOption } from '../../model/drivers.js';
import type { Check, Finding } from './check.js';

export const driverCheck: Check = ({ doc }) => {
  const out: Finding[] = [];
  for (const n of doc.table.networks) {
    if (n.external?.value === true) continue;
    const driver = n.driver?.value ?? DEFAULT_DRIVER;
    const info = driverInfo(driver);
    if (!info) {
      out.push({ code: 'unknown-driver', message: `Unknown driver "${driver}" (known: ${DRIVERS.join(', ')}).`, span: n.driver!.span });
      continue;
    }
    for (const o of n.options) {
      if (!driverOption(driver, o.key.value)) {
        out.push({
          code: 'unknown-driver-option',
          message: `The ${driver} driver has no option "${o.key.value}".`,
          span: o.key.span,
          severity: 'warning',
        });
      }
    }
    // cnmd accepts these networks (as Docker does), so this is a warning, worded as cnmd behaves.
    for (const key of info.required) {
      if (!n.options.some((o) => o.key.value === key)) {
        const message = `No driver_opts.${key}: the ${driver} network is isolated, its sandboxes reach only each other (nothing to or from the host's LAN).`;
        out.push({ code: 'macvlan-parent-missing', message, span: n.key, severity: 'warning' });
      }
    }
  }
  return out;
};
