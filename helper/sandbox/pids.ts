// Processes running inside a netns (what `ip netns pids` prints): a sandbox with live processes
// is "running" in Docker's sense, and `rm` without -f refuses it.
import fs from 'node:fs';

export function pidsInNetns(nsPath: string): number[] {
  let ino: number;
  try {
    ino = fs.statSync(nsPath).ino;
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.statSync(`/proc/${entry}/ns/net`).ino === ino) pids.push(Number(entry));
    } catch {
      // the process exited while we looked
    }
  }
  return pids;
}
