// Who is on the other end of a unix socket: SO_PEERCRED (socket(7)), the uid, gid and pid the
// kernel recorded when the peer connected. Node has no API for it; koffi calls getsockopt(2) on
// the fd libuv holds. cnmd logs each mutating API call with it (helper/api: the audit line).
import koffi from 'koffi';

export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
}

const SOL_SOCKET = 1;
const SO_PEERCRED = 17;

let getsockopt: ((fd: number, level: number, name: number, value: Buffer, len: number[]) => number) | undefined;

/** The peer of the connected unix socket `fd`, or undefined when the kernel cannot say (not a unix socket, closed). */
export function peerCredentials(fd: number): PeerCredentials | undefined {
  getsockopt ??= koffi.load('libc.so.6').func('int getsockopt(int fd, int level, int name, _Out_ uint8_t *value, _Inout_ uint32_t *len)');
  const buf = Buffer.alloc(12); // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
  const len = [buf.length];
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, buf, len) !== 0 || len[0] !== 12) return undefined;
  return { pid: buf.readInt32LE(0), uid: buf.readUInt32LE(4), gid: buf.readUInt32LE(8) };
}
