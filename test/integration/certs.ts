// A throwaway PKI for TLS tests, made with the real `openssl`: a CA, a server certificate for one
// subject alternative name, and a client certificate, in a directory the caller owns (and removes).
import fs from 'node:fs';
import path from 'node:path';
import { mustSh } from './host.js';

export interface TestPki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** `san` as openssl writes it, e.g. `IP:127.0.0.1`. Valid for one day. */
export function makeTestPki(dir: string, san: string): TestPki {
  const f = (n: string) => path.join(dir, n);
  const ssl = (...a: string[]) => mustSh('openssl', a);
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=cnm test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  );
  for (const who of ['server', 'client']) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${who}`, '-keyout', f(`${who}.key`), '-out', f(`${who}.csr`));
    fs.writeFileSync(
      f(`${who}.ext`),
      who === 'server' ? `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n` : 'extendedKeyUsage=clientAuth\n',
    );
    ssl(
      ...['x509', '-req', '-in', f(`${who}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial'],
      ...['-days', '1', '-extfile', f(`${who}.ext`), '-out', f(`${who}.pem`)],
    );
  }
  return {
    ca: f('ca.pem'),
    serverCert: f('server.pem'),
    serverKey: f('server.key'),
    clientCert: f('client.pem'),
    clientKey: f('client.key'),
  };
}
