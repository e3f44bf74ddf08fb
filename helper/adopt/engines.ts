// `--container NAME`: the running container's init pid, asked of Docker's socket and then Podman's
// (both answer Docker's GET /containers/{name}/json with State.Pid). The first engine that knows a
// running container of that name wins. Also the list of running containers (GET /cnm/containers).
import http from 'node:http';
import type { EngineContainer } from '../../model/cnm.js';
import { CnmError } from '../errors.js';

export interface EngineSocket {
  engine: 'docker' | 'podman';
  socketPath: string;
}

export const DEFAULT_ENGINES = (dockerSocket: string): EngineSocket[] => [
  { engine: 'docker', socketPath: dockerSocket },
  { engine: 'podman', socketPath: '/run/podman/podman.sock' },
];

interface ContainerSummary {
  Id?: string;
  Names?: string[];
  Image?: string;
}

interface ContainerJson {
  State?: { Pid?: number; Running?: boolean };
}

/** GET on an engine's socket: status and JSON body; undefined when no engine listens there. */
export function engineGet<T>(socketPath: string, path: string): Promise<{ status: number; body?: T } | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path, timeout: 3000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: res.statusCode === 200 ? (JSON.parse(text) as T) : undefined });
        } catch {
          resolve({ status: res.statusCode ?? 0 });
        }
      });
    });
    req.on('error', () => resolve(undefined)); // that engine is not running here
    req.on('timeout', () => req.destroy());
  });
}

export function containerResolver(engines: EngineSocket[]) {
  return async (name: string): Promise<{ pid: number; engine: 'docker' | 'podman' }> => {
    const asked: string[] = [];
    for (const e of engines) {
      const r = await engineGet<ContainerJson>(e.socketPath, `/containers/${encodeURIComponent(name)}/json`);
      if (!r) continue;
      asked.push(e.engine);
      const pid = r.body?.State?.Pid;
      if (r.body && (!r.body.State?.Running || !pid)) throw new CnmError('conflict', `container ${name} (${e.engine}) is not running`);
      if (pid) return { pid, engine: e.engine };
    }
    if (!asked.length)
      throw new CnmError('not-found', `no Docker or Podman engine answers here (${engines.map((e) => e.socketPath).join(', ')})`);
    throw new CnmError('not-found', `No such container: ${name} (asked ${asked.join(' and ')})`);
  };
}

/** The running containers of every engine that answers (Docker's GET /containers/json on each). */
export function containerLister(engines: EngineSocket[]) {
  return async (): Promise<EngineContainer[]> => {
    const lists = await Promise.all(
      engines.map(async (e) => {
        const r = await engineGet<ContainerSummary[]>(e.socketPath, '/containers/json');
        return (r?.body ?? []).map((c) => ({
          engine: e.engine,
          id: c.Id ?? '',
          name: (c.Names?.[0] ?? '').replace(/^\//, ''),
          image: c.Image ?? '',
        }));
      }),
    );
    return lists.flat();
  };
}
