import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseResolvConf, renderResolvConf, upstreamsFor } from './resolvconf.js';

const HOST = `# host
nameserver 127.0.0.53
nameserver 10.255.255.53
nameserver 2001:db8::53
search corp.example lab.example
options edns0 timeout:2
`;

describe('resolvconf', () => {
  const host = parseResolvConf(HOST);

  it('parses nameservers, search and options', () => {
    assert.deepEqual(host, {
      nameservers: ['127.0.0.53', '10.255.255.53', '2001:db8::53'],
      search: ['corp.example', 'lab.example'],
      options: ['edns0', 'timeout:2'],
    });
  });

  it('forwards to the host resolvers minus loopback, or to --dns', () => {
    assert.deepEqual(upstreamsFor(host), ['10.255.255.53', '2001:db8::53']);
    assert.deepEqual(upstreamsFor(host, ['9.9.9.9']), ['9.9.9.9']);
  });

  it('writes 127.0.0.11, the host search domains and ndots:0 on user-defined networks', () => {
    assert.equal(
      renderResolvConf(host, { embedded: true }),
      'search corp.example lab.example\nnameserver 127.0.0.11\noptions edns0 timeout:2 ndots:0\n',
    );
    const ndots = parseResolvConf('nameserver 10.0.0.1\noptions ndots:2\n');
    assert.equal(renderResolvConf(ndots, { embedded: true }), 'nameserver 127.0.0.11\noptions ndots:2\n');
  });

  it('writes the host upstreams on the default bridge, Google DNS when none is usable', () => {
    assert.equal(
      renderResolvConf(host, { embedded: false }),
      'search corp.example lab.example\nnameserver 10.255.255.53\nnameserver 2001:db8::53\noptions edns0 timeout:2\n',
    );
    assert.equal(
      renderResolvConf(parseResolvConf('nameserver 127.0.0.1\n'), { embedded: false }),
      'nameserver 8.8.8.8\nnameserver 8.8.4.4\n',
    );
    assert.equal(
      renderResolvConf(host, { embedded: false, dns: ['1.1.1.1'], dnsSearch: ['x'] }),
      'search x\nnameserver 1.1.1.1\noptions edns0 timeout:2\n',
    );
  });
});

describe('resolv.conf injection', () => {
  it('writes only IP nameservers, valid search domains and one-token options: no value adds a line', () => {
    const out = renderResolvConf(parseResolvConf(''), {
      embedded: false,
      dns: ['1.1.1.1\nsearch evil.example', '8.8.8.8', 'not-an-ip'],
      dnsSearch: ['ok.example', 'bad\noptions ndots:15', 'a b'],
      dnsOptions: ['rotate', 'x\nnameserver 6.6.6.6'],
    });
    assert.equal(out, 'search ok.example\nnameserver 8.8.8.8\noptions rotate\n');
  });
});
