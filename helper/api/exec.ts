// Docker's exec API on cnm's sandboxes: POST /cnm/sandboxes/{id}/exec creates (Docker: on a
// container), then Docker's own /exec/{id}/start (the stream upgraded on the same connection, like
// Docker's hijack), /exec/{id}/resize and /exec/{id}/json. Exec is as privileged as the socket: whoever
// may connect may exec; each exec is logged with the caller's uid and pid (ExecService does it).
import type { Duplex } from 'node:stream';
import type { Caller, ExecCreateRequest, ExecInspect } from '../../model/exec.js';
import { execCreateSchema, execStartSchema } from '../../model/requests.js';
import { MULTIPLEXED_STREAM, RAW_STREAM } from '../../model/exec.js';
import { invalid } from '../errors.js';
import { parseJsonBody, readJsonBody, sendEmpty, sendJson } from './http.js';
import type { Route } from './router.js';

/** What the API needs of exec (helper/exec's ExecManager). */
export interface ExecService {
  create(sandbox: string, req: ExecCreateRequest, caller: Caller): { Id: string };
  inspect(id: string): ExecInspect;
  start(id: string, stream?: { socket: Duplex; ready: () => void }): Promise<void>;
  resize(id: string, rows: number, cols: number): void;
}

export function execRoutes(exec: ExecService): Route[] {
  return [
    {
      method: 'POST',
      path: '/cnm/sandboxes/{id}/exec',
      async handle({ params, raw, res, caller }) {
        sendJson(res, 201, exec.create(params.id!, await readJsonBody(raw, execCreateSchema), caller));
      },
    },
    {
      method: 'POST',
      path: '/exec/{id}/start',
      async handle({ params, raw, res, upgrade }) {
        const body = upgrade ? parseJsonBody(upgrade.body.toString('utf8'), execStartSchema) : await readJsonBody(raw, execStartSchema);
        if (body.Detach) {
          await exec.start(params.id!);
          return sendEmpty(res, 200);
        }
        if (!upgrade)
          throw invalid('exec start streams on an upgraded connection: send "Connection: Upgrade" and "Upgrade: tcp", or "Detach": true');
        const { socket } = upgrade;
        const tty = exec.inspect(params.id!).ProcessConfig.tty;
        await exec.start(params.id!, {
          socket,
          ready: () =>
            socket.write(
              `HTTP/1.1 101 UPGRADED\r\nContent-Type: ${tty ? RAW_STREAM : MULTIPLEXED_STREAM}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`,
            ),
        });
      },
    },
    {
      method: 'POST',
      path: '/exec/{id}/resize',
      handle({ params, query, res }) {
        exec.resize(params.id!, Number(query.get('h')), Number(query.get('w')));
        sendEmpty(res, 200);
      },
    },
    { method: 'GET', path: '/exec/{id}/json', handle: ({ params, res }) => sendJson(res, 200, exec.inspect(params.id!)) },
  ];
}
