// Link notifications (rtnetlink multicast group RTNLGRP_LINK) of the namespace the process is in:
// the kernel tells cnmd when a link appears, changes or goes away, so self-healing needs no polling.
// The socket is separate from the request sockets (notifications would otherwise interleave with
// replies). A lost notification (receive buffer overrun, ENOBUFS) is reported as `overrun`: the
// caller then checks everything once.
import { createRtNetlink, rt } from 'netlink';
import { log } from '../../log.js';
import { toLinkInfo, type LinkInfo } from './netlink.js';

/** rtnetlink numbers: the link multicast group, new and deleted link messages. */
const RT = { groupLink: 1, newLink: 16, delLink: 17 } as const;

export interface LinkChange {
  deleted: boolean;
  link: LinkInfo;
}

/** A notification subscription (links here, nftables in ../nftables/monitor.ts). */
export interface Watch {
  close(): void;
}

export function watchLinks(onChange: (c: LinkChange) => void, onOverrun: () => void): Watch {
  const sock = createRtNetlink();
  const nl = sock.socket;
  nl.setRecvBufferSize(4 << 20);
  nl.addMembership(RT.groupLink);
  nl.on('message', (msgs) => {
    for (const m of Array.isArray(msgs) ? msgs : [msgs]) {
      if (m.type !== RT.newLink && m.type !== RT.delLink) continue;
      try {
        onChange({ deleted: m.type === RT.delLink, link: toLinkInfo(rt.parseLinkMessage(m.data)) });
      } catch (err) {
        log('warn', 'link notification not understood', { error: String(err) });
      }
    }
  });
  nl.on('error', (err) => {
    log('warn', 'link notifications lost', { error: String(err) });
    onOverrun();
  });
  return { close: () => sock.socket.close() };
}
