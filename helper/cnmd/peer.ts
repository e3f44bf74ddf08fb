// The caller of an API request, for the calls that log who asked (exec): SO_PEERCRED on the
// connection's fd. One place, so every logged call names its caller the same way.
import type { Socket } from 'node:net';
import type { Caller } from '../../model/exec.js';
import { peerCred } from '../kernel/peercred.js';

export function peerOf(socket: Socket): Caller {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  const cred = typeof fd === 'number' && fd >= 0 ? peerCred(fd) : undefined;
  return cred ? { uid: cred.uid, pid: cred.pid } : {};
}
