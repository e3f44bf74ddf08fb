// Host-key checking against ~/.ssh/known_hosts (plain and hashed entries, [host]:port form,
// @revoked markers). An unknown host is refused: the user adds it with ssh or ssh-keyscan first.
import { createHmac } from 'node:crypto';

export type HostKeyVerdict = 'trusted' | 'unknown' | 'mismatch' | 'revoked';

/** How known_hosts names a host: bare for port 22, [host]:port otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function nameMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    const p = negated ? pattern.slice(1) : pattern;
    const re = new RegExp(
      '^' +
        p
          .replace(/[.+^${}()|\\]/g, '\\$&')
          .replace(/\[/g, '\\[')
          .replace(/\]/g, '\\]')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.') +
        '$',
      'i',
    );
    if (re.test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** `key` is the raw public key blob the server presented (base64 in known_hosts). */
export function checkHostKey(knownHosts: string, host: string, port: number, key: Buffer): HostKeyVerdict {
  const name = knownHostsName(host, port);
  const keyB64 = key.toString('base64');
  let sawHost = false;
  let trusted = false;
  for (const raw of knownHosts.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    if (fields.length < 3 || marker === '@cert-authority') continue;
    if (!nameMatches(fields[0], name)) continue;
    // a @revoked line wins wherever it is in the file
    if (fields[2] === keyB64 && marker === '@revoked') return 'revoked';
    if (fields[2] === keyB64) trusted = true;
    else if (marker !== '@revoked') sawHost = true;
  }
  if (trusted) return 'trusted';
  return sawHost ? 'mismatch' : 'unknown';
}
