// nftables change notifications (nfnetlink group NFNLGRP_NFTABLES) of cnmd's namespace: each
// committed transaction arrives as its object messages followed by NFT_MSG_NEWGEN, which names
// the process that committed it. A transaction that touched `inet cnm` and was not cnmd's own
// (another pid: `nft flush ruleset`, `nft delete table inet cnm`, a rule added by hand) is
// reported, so the firewall can be re-applied at once instead of being polled for.
import { createNetlink, Protocol } from 'netlink';
import { log } from '../../log.js';
import { TABLE } from './ruleset.js';

const NFNLGRP_NFTABLES = 7;
const NFNL_SUBSYS_NFTABLES = 10;
const NFT_MSG_NEWGEN = 15;
const NFPROTO_INET = 1;
/** Attribute 1 is the table's name in table, chain, rule, set, element, object and flowtable messages. */
const ATTR_TABLE = 1;
const NFTA_GEN_PROC_PID = 2;
const NFTA_GEN_PROC_NAME = 3;
const NFGENMSG_LEN = 4;

export interface ForeignChange {
  pid: number;
  process: string;
}

export interface TableWatch {
  close(): void;
}

/** TLV attributes after the nfgenmsg header: type (without flag bits) → payload. */
export function nfAttributes(data: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let off = NFGENMSG_LEN;
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
export function watchTable(onForeign: (c: ForeignChange) => void, onOverrun: () => void): TableWatch {
  const sock = createNetlink(Protocol.NETFILTER);
  sock.setRecvBufferSize(4 << 20);
  sock.addMembership(NFNLGRP_NFTABLES);
  let touched = false;
  sock.on('message', (msgs) => {
    for (const m of Array.isArray(msgs) ? msgs : [msgs]) {
      if (m.type >> 8 !== NFNL_SUBSYS_NFTABLES || m.data.length < NFGENMSG_LEN) continue;
      const attrs = nfAttributes(m.data);
      if ((m.type & 0xff) === NFT_MSG_NEWGEN) {
        const pidAttr = attrs.get(NFTA_GEN_PROC_PID);
        const pid = pidAttr && pidAttr.length >= 4 ? pidAttr.readUInt32BE(0) : 0;
        if (touched && pid !== process.pid) onForeign({ pid, process: cString(attrs.get(NFTA_GEN_PROC_NAME)) });
        touched = false;
      } else if (m.data[0] === NFPROTO_INET && cString(attrs.get(ATTR_TABLE)) === TABLE) {
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
