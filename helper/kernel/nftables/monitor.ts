// nftables change notifications (nfnetlink group NF.group) of cnmd's namespace: each
// committed transaction arrives as its object messages followed by NF.newGen, which names
// the process that committed it. A transaction that touched `inet cnm` and was not cnmd's own
// (another pid: `nft flush ruleset`, `nft delete table inet cnm`, a rule added by hand) is
// reported, so the firewall can be re-applied at once instead of being polled for.
import { createNetlink, Protocol } from 'netlink';
import { log } from '../../log.js';
import { TABLE } from './ruleset.js';
import type { Watch } from '../netlink/subscriber.js';

/**
 * nfnetlink numbers: NF.group, NF.subsys, NF.newGen, NF.inet, the
 * table-name attribute (1 in table, chain, rule, set, element, object and flowtable messages),
 * NF.genPid / _NAME, and the nfgenmsg header's length.
 */
const NF = { group: 7, subsys: 10, newGen: 15, inet: 1, tableAttr: 1, genPid: 2, genName: 3, header: 4 } as const;

export interface ForeignChange {
  pid: number;
  process: string;
}

/** TLV attributes after the nfgenmsg header: type (without flag bits) → payload. */
export function nfAttributes(data: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let off = NF.header;
  while (off + 4 <= data.length) {
    const len = data.readUInt16LE(off);
    if (len < 4 || off + len > data.length) break;
    out.set(data.readUInt16LE(off + 2) & 0x3fff, data.subarray(off + 4, off + len));
    off += (len + 3) & ~3;
  }
  return out;
}

const cString = (b: Buffer | undefined): string => (b ? b.toString('utf8').replace(/\0.*$/s, '') : '');

/**
 * Calls `onForeign` for every transaction by another process that touched cnm's table;
 * `onOverrun` when notifications were lost (the caller re-applies to be safe).
 */
export function watchTable(onForeign: (c: ForeignChange) => void, onOverrun: () => void): Watch {
  const sock = createNetlink(Protocol.NETFILTER);
  sock.setRecvBufferSize(4 << 20);
  sock.addMembership(NF.group);
  let touched = false;
  sock.on('message', (msgs) => {
    for (const m of Array.isArray(msgs) ? msgs : [msgs]) {
      if (m.type >> 8 !== NF.subsys || m.data.length < NF.header) continue;
      const attrs = nfAttributes(m.data);
      if ((m.type & 0xff) === NF.newGen) {
        const pidAttr = attrs.get(NF.genPid);
        const pid = pidAttr && pidAttr.length >= 4 ? pidAttr.readUInt32BE(0) : 0;
        if (touched && pid !== process.pid) onForeign({ pid, process: cString(attrs.get(NF.genName)) });
        touched = false;
      } else if (m.data[0] === NF.inet && cString(attrs.get(NF.tableAttr)) === TABLE) {
        touched = true;
      }
    }
  });
  sock.on('error', (err) => {
    log('warn', 'nftables notifications lost', { error: String(err) });
    touched = false;
    onOverrun();
  });
  return { close: () => sock.close() };
}
