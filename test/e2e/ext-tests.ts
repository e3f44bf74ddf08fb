// The extension's integration tests inside the real extension host (extHost.ts runs the bundled
// suite/index.ts in code-server). Two scenarios, each in its own code-server: "main" against a real cnmd in a test
// namespace, "install" on a host namespace without cnmd (Install Helper). Prints `N passed, N failed, N skipped`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finish, runScenarios, type Scenario } from './extHost.js';
import { isolatedHost, log, startCnmd, type Cnmd } from './lib.js';

const PORT = Number(process.env.PORT ?? 8931);

const SCENARIOS: Scenario[] = [
  {
    name: 'main',
    async setup() {
      const cnmd: Cnmd = await startCnmd('ext');
      return { env: { CNM_HOST: `unix://${cnmd.socket}` }, stop: () => cnmd.stop() };
    },
  },
  {
    // a host namespace without cnmd; code-server listens on a unix socket, which crosses namespaces
    name: 'install',
    async setup() {
      const host = isolatedHost('inst');
      log(`host without cnmd: netns ${host.ns}`);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-cs-sock-'));
      const stop = () => {
        host.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      };
      return { env: { CNM_HOST: '' }, cs: { wrap: host.wrap, socket: path.join(dir, 'cs.sock') }, stop };
    },
  },
];

finish(runScenarios(SCENARIOS, PORT));
