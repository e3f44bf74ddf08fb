// Hands a link made inside a namespace over to another one under a new name: what the Docker
// plugin does at Join (the interface goes to cnmd's namespace, where dockerd expects it and moves it
// into the container). One RTM_NEWLINK with IFLA_NET_NS_PID and IFLA_IFNAME, sent by `ip` from
// inside the source namespace (the netlink wrapper has no namespace-move call; this runs once per
// container start, off the connect hot path).
import { execFile } from 'node:child_process';
import { CnmError } from '../errors.js';

export function moveLink(fromNetns: string, ifname: string, toPid: number, newName: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'nsenter',
      [`--net=${fromNetns}`, 'ip', 'link', 'set', 'dev', ifname, 'down', 'netns', String(toPid), 'name', newName],
      { timeout: 10_000 },
      (err, _out, stderr) =>
        err
          ? reject(
              new CnmError('internal', `cannot move ${ifname} out of ${fromNetns}: ${stderr.trim() || err.message}`, {
                link: ifname,
                netns: fromNetns,
                call: 'ip link set netns',
              }),
            )
          : resolve(),
    );
  });
}
