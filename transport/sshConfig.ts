// The part of ~/.ssh/config an ssh:// connection honours: HostName, User, Port, IdentityFile.
// As in OpenSSH, the first value found for a keyword wins, across all matching Host blocks.

export interface SshHostConfig {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
}

function globToRegExp(pattern: string): RegExp {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i');
}

/** OpenSSH's Host matching: any positive pattern matches and no negated (!) one does. */
export function hostMatches(patterns: string[], host: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (globToRegExp(p.slice(1)).test(host)) return false;
    } else if (globToRegExp(p).test(host)) matched = true;
  }
  return matched;
}

export function lookupSshConfig(text: string, host: string, home: string): SshHostConfig {
  const out: SshHostConfig = { identityFiles: [] };
  let active = true; // lines before the first Host block apply to every host
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.+)$/.exec(line);
    if (!m) continue;
    const key = m[1].toLowerCase();
    const value = m[2].trim().replace(/^"(.*)"$/, '$1');
    if (key === 'host') {
      active = hostMatches(value.split(/\s+/), host);
      continue;
    }
    if (key === 'match') {
      active = false; // Match blocks need a full evaluator; skipping them is the safe choice
      continue;
    }
    if (!active) continue;
    if (key === 'hostname' && out.hostName === undefined) out.hostName = value.replace(/%h/g, host);
    else if (key === 'user' && out.user === undefined) out.user = value;
    else if (key === 'port' && out.port === undefined) out.port = Number(value);
    else if (key === 'identityfile') out.identityFiles.push(value.replace(/^~(?=\/)/, home));
  }
  return out;
}
