// /proc/sys reads and writes. /proc/sys/net is per network namespace and resolves against the
// namespace of the *thread* opening the file, so writes for a sandbox go through inNetns.
import fs from 'node:fs';
import { CnmError } from '../errors.js';
import { inNetns } from './netns/setns.js';

const file = (key: string): string => `/proc/sys/${key.replace(/\./g, '/')}`;

/** `key` in dotted form, e.g. 'net.ipv4.ip_forward'. Interface names may not contain dots here. */
export function readSysctl(key: string): string {
  try {
    return fs.readFileSync(file(key), 'utf8').trim();
  } catch (err) {
    throw new CnmError('internal', `cannot read sysctl ${key}`, { call: `read ${file(key)}` }, err);
  }
}

export function writeSysctl(key: string, value: string): void {
  try {
    fs.writeFileSync(file(key), value);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const kind = code === 'ENOENT' ? 'not-found' : 'internal';
    throw new CnmError(kind, `cannot set sysctl ${key}=${value}`, { call: `write ${file(key)}` }, err);
  }
}

/** Write a sysctl inside the netns at `nsPath` (the file is opened while the thread is there). */
export function writeSysctlIn(nsPath: string, key: string, value: string): void {
  inNetns(nsPath, () => writeSysctl(key, value));
}

/** cnmd routes between its bridges and the outside: IPv4 (and IPv6 when asked) forwarding on. */
export function enableForwarding(ipv6: boolean): void {
  if (readSysctl('net.ipv4.ip_forward') !== '1') writeSysctl('net.ipv4.ip_forward', '1');
  if (ipv6 && readSysctl('net.ipv6.conf.all.forwarding') !== '1') writeSysctl('net.ipv6.conf.all.forwarding', '1');
}

/**
 * Inside a sandbox: no duplicate address detection (addresses come from IPAM, so DAD only delays
 * them), no router advertisements (routes come from cnm), and IPv6 off on new interfaces until an
 * endpoint on an IPv6 network turns it on (as Docker does for networks without IPv6). An interface
 * with IPv6 on sends MLD reports and router solicitations when it comes up, and a bridge floods
 * them to every port: at 500 endpoints that alone doubled the time of a connect.
 */
export function quietIPv6In(nsPath: string): void {
  inNetns(nsPath, () => {
    for (const scope of ['all', 'default']) {
      writeSysctl(`net.ipv6.conf.${scope}.accept_dad`, '0');
      writeSysctl(`net.ipv6.conf.${scope}.accept_ra`, '0');
    }
    writeSysctl('net.ipv6.conf.default.disable_ipv6', '1');
  });
}

/** IPv6 on or off for one interface, in the netns at `nsPath` (or the current one). */
export function setIPv6(ifname: string, on: boolean, nsPath?: string): void {
  const write = () => writeSysctl(`net.ipv6.conf.${ifname}.disable_ipv6`, on ? '0' : '1');
  if (nsPath) inNetns(nsPath, write);
  else write();
}
