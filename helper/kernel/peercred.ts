// Who is on the other end of a unix socket connection: SO_PEERCRED (pid, uid, gid as the kernel
// recorded them at connect time). Node does not expose it; koffi calls getsockopt(2) on the fd.
import koffi from 'koffi';

const SOL_SOCKET = 1;
const SO_PEERCRED = 17;

export interface PeerCred {
  pid: number;
  uid: number;
  gid: number;
}

let getsockopt: ((fd: number, level: number, name: number, val: Buffer, len: number[]) => number) | undefined;

/** The peer of a connected unix socket fd; undefined when the fd is not one (or the call fails). */
export function peerCred(fd: number): PeerCred | undefined {
  getsockopt ??= koffi.load('libc.so.6').func('int getsockopt(int, int, int, _Out_ uint8_t *val, _Inout_ uint32_t *len)');
  const buf = Buffer.alloc(12);
  const len = [12];
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, buf, len) !== 0 || len[0] !== 12) return undefined;
  return { pid: buf.readInt32LE(0), uid: buf.readUInt32LE(4), gid: buf.readUInt32LE(8) };
}
