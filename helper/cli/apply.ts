// cnm apply -f FILE: creates, changes and removes networks, sandboxes and connections until the
// host matches the file. Shows the plan and asks first unless -y; prints each step as it runs.
import { describeStep, formatPlan } from '../topology/format.js';
import { execute } from '../topology/execute.js';
import { FILE_FLAG, planFile } from './diff.js';
import type { Verb } from './verb.js';

export const CONFIRM = 'Apply these changes? [y/N] ';

export const verb: Verb = {
  usage: '-f FILE',
  summary: 'Make the host match a topology or compose file',
  args: [0, 0],
  flags: [FILE_FLAG, { name: 'yes', short: 'y', type: 'bool', help: 'Do not prompt for confirmation' }],
  async run(args, { io, client }) {
    const p = await planFile(args, client);
    io.stdout(formatPlan(p));
    if (p.blockers.length > 0) return 1;
    if (p.steps.length === 0) return 0;
    if (!args.bool('yes')) {
      io.stdout(CONFIRM);
      const answer = (await io.readLine()).trim().toLowerCase();
      if (answer !== 'y' && answer !== 'yes') return 0;
    }
    await execute(p, client, (i, total, step) => io.stdout(`[${i + 1}/${total}] ${describeStep(step)}\n`));
    io.stdout(`Applied ${p.steps.length} step(s).\n`);
    return 0;
  },
};
