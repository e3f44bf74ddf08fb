// Starts the API server on a socket in a fresh temp dir, backed by a FakeController; raw HTTP helper.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { TEST_KERNEL } from '../../../model/features.js';
import { ExecManager } from '../../exec/manager.js';
import { setLogLevel } from '../../log.js';
import { startApiServer } from '../server.js';
import { FakeController } from './fake-controller.js';

export interface Harness {
  socketPath: string;
  controller: FakeController;
  request(method: string, urlPath: string, body?: string | Buffer, headers?: Record<string, string>): Promise<RawResponse>;
  close(): Promise<void>;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export async function startHarness(controller = new FakeController()): Promise<Harness> {
  // Every change would print its audit line into the test output.
  if (!process.env.CNM_LOG) setLogLevel('error');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-api-'));
  const socketPath = path.join(dir, 'run', 'cnmd.sock');
  // Exec runs for real: a sandbox the fake marks as on the host network runs commands here.
  const exec = new ExecManager((idOrName) => controller.inspectSandbox(idOrName));
  const server = await startApiServer({ socketPath, controller, version: '0.1.0-test', kernel: TEST_KERNEL, exec });
  return {
    socketPath,
    controller,
    request: (method, urlPath, body, headers = {}) =>
      new Promise((resolve, reject) => {
        const req = http.request({ socketPath, method, path: urlPath, headers }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        });
        req.on('error', reject);
        req.end(body);
      }),
    async close() {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
