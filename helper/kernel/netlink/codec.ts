// Byte encodings netlink attributes use for addresses: IPs and MACs as raw network-order bytes.
import { type Cidr, type Family, formatAddr, parseAddr, parseCidr } from '../../../model/ip.js';
import { invalid } from '../../errors.js';

export const AF_INET = 2;
export const AF_INET6 = 10;

export const afOf = (family: Family): number => (family === 4 ? AF_INET : AF_INET6);

export function ipBytes(family: Family, v: bigint): Buffer {
  const len = family === 4 ? 4 : 16;
  const out = Buffer.alloc(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function ipText(buf: Buffer): string {
  const v = buf.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  return formatAddr(buf.length === 4 ? 4 : 6, v);
}

export function cidrOrThrow(cidr: string): Cidr {
  const c = parseCidr(cidr);
  if (!c) throw invalid(`invalid CIDR address: ${cidr}`);
  return c;
}

export function addrOrThrow(addr: string): { family: Family; bytes: Buffer } {
  const a = parseAddr(addr);
  if (!a) throw invalid(`invalid IP address: ${addr}`);
  return { family: a.family, bytes: ipBytes(a.family, a.value) };
}

export function macBytes(mac: string): Buffer {
  if (!/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(mac)) throw invalid(`invalid MAC address: ${mac}`);
  return Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
}

export const macText = (buf: Buffer | undefined): string => (buf ? [...buf].map((b) => b.toString(16).padStart(2, '0')).join(':') : '');
