// Drivers and their options from the shared vocabulary: known driver, known option keys for that
// driver, and what a driver cannot do without (macvlan's parent).
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
        out.push({ code: 'unknown-driver-option', message: `The ${driver} driver has no option "${o.key.value}".`, span: o.key.span, severity: 'warning' });
      }
    }
    for (const key of info.required) {
      if (!n.options.some((o) => o.key.value === key)) {
        out.push({ code: 'macvlan-parent-missing', message: `A ${driver} network needs driver_opts.${key} (the host interface).`, span: n.key });
      }
    }
  }
  return out;
};
