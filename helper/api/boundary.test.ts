// The API's error boundary and body validation, against the server on a real socket (FakeController
// behind it): what Docker's daemon answers 400/404 never reaches the controller, and nothing kills
// the server.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './testing/harness.js';

/** One raw HTTP/1.1 request (any target, as sent); the status line's code. */
function raw(socketPath: string, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath);
    let text = '';
    sock.on('data', (d) => (text += d));
    sock.on('error', reject);
    sock.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
    sock.end(`GET ${target} HTTP/1.1\r\nHost: cnmd\r\nConnection: close\r\n\r\n`);
  });
}

describe('api error boundary', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('request targets that broke URL parsing answer 400 (or route like Go does), and the server lives on', async () => {
    const cases: Array<[string, number]> = [
      ['http://[', 400],
      ['//[', 400],
      ['http://a:b@[::1', 400],
      ['http://x:99999/networks', 200],
      ['http://cnmd/_ping', 200],
      ['//cnmd/_ping', 200],
      ['*', 400],
      ['/networks/%ff', 404],
      ['/networks/%', 400],
      ['/networks/%zz', 400],
      ['/networks?filters=%ff%', 400],
    ];
    for (const [target, status] of cases) assert.equal(await raw(h.socketPath, target), status, `${target}`);
    assert.equal((await h.request('GET', '/_ping')).status, 200);
  });

  it('bodies of the wrong types are 400 in Go wording and never reach the controller', async () => {
    const bodies: Array<[string, string, unknown, RegExp]> = [
      [
        'POST',
        '/cnm/sandboxes/create',
        { Name: 'x', Hostname: 5 },
        /cannot unmarshal number into Go struct field SandboxCreateRequest\.Hostname/,
      ],
      ['POST', '/cnm/sandboxes/create', { Name: 'x', Aliases: 'xyz' }, /Aliases of type \[\]string/],
      ['POST', '/cnm/sandboxes/create', { Name: 'x', IPv4Address: 5 }, /IPv4Address of type string/],
      ['POST', '/cnm/sandboxes/create', { Name: 'x', Hostname: 'a\nb' }, /not a valid host name/],
      ['POST', '/cnm/sandboxes/create', { Name: 'x', Dns: ['not-an-ip'] }, /not-an-ip is not an ip address/],
      ['POST', '/networks/create', { Name: 'n', IPAM: { Config: 'xyz' } }, /IPAM\.Config of type/],
      ['POST', '/networks/create', { Name: 'n', Labels: { a: 5 } }, /Labels\.a of type string/],
      ['POST', '/networks/create', { Name: 'n'.repeat(300) }, /longer than 255 characters/],
      ['POST', '/networks/create', { Name: 'n', IPAM: { Config: [{ Subnet: '10.9.0.1/32' }] } }, /no room for a gateway/],
      ['POST', '/networks/create', { Name: 'n', EnableIPv6: true, IPAM: { Config: [{ Subnet: '::/0' }] } }, /covers every address/],
      ['POST', '/networks/frontend/connect', { Container: 'c', EndpointConfig: { Aliases: [5] } }, /Aliases\[0\] of type string/],
      ['POST', '/networks/frontend/disconnect', { Container: 5 }, /Container of type string/],
    ];
    const before = h.controller.calls.length;
    for (const [method, path, body, message] of bodies) {
      const r = await h.request(method, path, JSON.stringify(body), { 'Content-Type': 'application/json' });
      assert.equal(r.status, 400, `${path} ${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
      assert.match(JSON.parse(r.text).message, message);
    }
    const rename = await h.request('POST', `/cnm/sandboxes/x/rename?name=${'n'.repeat(300)}`);
    assert.deepEqual([rename.status, JSON.parse(rename.text).message], [400, 'invalid name: longer than 255 characters']);
    const labels = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, '']));
    const big = await h.request('POST', '/networks/create', JSON.stringify({ Name: 'n', Labels: labels }), { Connection: 'close' });
    assert.equal(big.status, 400);
    assert.equal(h.controller.calls.length, before, 'no refused body reached the controller');
  });
});
