// Link notifications (rtnetlink multicast group RTNLGRP_LINK) of cnmd's namespace, through the
// process's one notification socket (subscriber.ts): the kernel tells cnmd when a link appears,
// changes or goes away, so self-healing needs no polling. A lost notification is reported as
// `overrun`: the caller then checks everything once.
import { rt } from 'netlink';
import { log } from '../../log.js';
import { toLinkInfo, type LinkInfo } from './netlink.js';
import { RTM, rtNotifications, type Watch } from './subscriber.js';

export interface LinkChange {
  deleted: boolean;
  link: LinkInfo;
}

export function watchLinks(onChange: (c: LinkChange) => void, onOverrun: () => void, subscriber = rtNotifications): Watch {
  return subscriber.subscribe({
    groups: ['LINK'],
    onMessage(m) {
      try {
        onChange({ deleted: m.type === RTM.delLink, link: toLinkInfo(rt.parseLinkMessage(m.data)) });
      } catch (err) {
        log('warn', 'link notification not understood', { error: String(err) });
      }
    },
    onOverrun,
  });
}
