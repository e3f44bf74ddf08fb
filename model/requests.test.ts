import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIMITS, networkConnectSchema, networkCreateSchema, sandboxCreateSchema } from './requests.js';
import { SchemaError, validate } from './schema.js';

const refused = (fn: () => unknown, message: RegExp | string) =>
  assert.throws(
    fn,
    (e: unknown) => e instanceof SchemaError && (typeof message === 'string' ? e.message === message : message.test(e.message)),
  );

describe('request schemas', () => {
  it('wrong types are refused in Go json wording, naming the field', () => {
    refused(
      () => validate(sandboxCreateSchema, { Name: 'a', Hostname: 5 }),
      'json: cannot unmarshal number into Go struct field SandboxCreateRequest.Hostname of type string',
    );
    refused(
      () => validate(sandboxCreateSchema, { Name: 'a', Aliases: 'xyz' }),
      'json: cannot unmarshal string into Go struct field SandboxCreateRequest.Aliases of type []string',
    );
    refused(() => validate(sandboxCreateSchema, { Name: 'a', Aliases: [5] }), /cannot unmarshal number .*Aliases\[0\] of type string/);
    refused(() => validate(sandboxCreateSchema, { Name: 'a', IPv4Address: 5 }), /cannot unmarshal number .*IPv4Address of type string/);
    refused(
      () => validate(networkCreateSchema, { Name: 'n', IPAM: { Config: 'xyz' } }),
      'json: cannot unmarshal string into Go struct field IPAM.IPAM.Config of type []network.IPAMConfig',
    );
    refused(() => validate(networkCreateSchema, { Name: 'n', Labels: { a: 1 } }), /cannot unmarshal number .*Labels\.a of type string/);
    refused(
      () => validate(networkConnectSchema, { Container: 'c', EndpointConfig: { Aliases: 5 } }),
      /Go struct field EndpointSettings\.EndpointConfig\.Aliases of type \[\]string/,
    );
    refused(() => validate(networkCreateSchema, []), 'json: cannot unmarshal array into Go value of type NetworkCreateRequest');
  });

  it('values: DNS servers are IP addresses, host names RFC 1123, addresses of their family', () => {
    refused(() => validate(sandboxCreateSchema, { Name: 'a', Dns: ['not-an-ip'] }), 'invalid Dns[0]: not-an-ip is not an ip address');
    refused(() => validate(sandboxCreateSchema, { Name: 'a', Dns: ['1.1.1.1\nsearch x'] }), /is not an ip address/);
    refused(() => validate(sandboxCreateSchema, { Name: 'a', Hostname: 'web\n1.2.3.4 bank' }), /not a valid host name \(RFC 1123/);
    refused(() => validate(sandboxCreateSchema, { Name: 'a', Hostname: '-web' }), /not a valid host name/);
    refused(
      () => validate(sandboxCreateSchema, { Name: 'a', IPv4Address: 'fd00::1' }),
      'invalid IPv4Address: fd00::1 is not an IPv4 address',
    );
    refused(() => validate(sandboxCreateSchema, { Name: 'a', Aliases: ['a b'] }), /contains whitespace/);
    const ok = validate(sandboxCreateSchema, {
      Name: 'a',
      Hostname: 'web-1.example',
      Dns: ['1.1.1.1', '2001:db8::1'],
      IPv4Address: '',
      Extra: 1,
    });
    assert.deepEqual(ok, { Name: 'a', Hostname: 'web-1.example', Dns: ['1.1.1.1', '2001:db8::1'], IPv4Address: '' });
  });

  it('subnets without room (/0, /32, /128) are refused; syntax is left to IPAM', () => {
    const sub = (Subnet: string) => () => validate(networkCreateSchema, { Name: 'n', IPAM: { Config: [{ Subnet }] } });
    refused(sub('10.0.0.1/32'), /invalid IPAM\.Config\[0\]\.Subnet: subnet 10.0.0.1\/32 has no room for a gateway and an endpoint/);
    refused(sub('fd00::1/128'), /no room/);
    refused(sub('::/0'), /covers every address/);
    assert.doesNotThrow(sub('10.0.0.0/30'));
    assert.doesNotThrow(sub('xyz'));
  });

  it('limits: name length, label count and size, pools', () => {
    refused(
      () => validate(networkCreateSchema, { Name: 'n'.repeat(LIMITS.name + 1) }),
      `invalid Name: longer than ${LIMITS.name} characters`,
    );
    assert.doesNotThrow(() => validate(networkCreateSchema, { Name: 'any name: Docker takes any' }));
    const many = Object.fromEntries(Array.from({ length: LIMITS.labels + 1 }, (_, i) => [`k${i}`, '']));
    refused(() => validate(networkCreateSchema, { Name: 'n', Labels: many }), `invalid Labels: more than ${LIMITS.labels} entries`);
    refused(
      () => validate(networkCreateSchema, { Name: 'n', Labels: { k: 'v'.repeat(LIMITS.labelValue + 1) } }),
      /invalid Labels\.k: longer than/,
    );
    refused(() => validate(networkCreateSchema, { Name: 'n', IPAM: { Config: Array(LIMITS.pools + 1).fill({}) } }), /more than 16 entries/);
  });

  it('null is "not given", as in Go; unknown fields are dropped', () => {
    assert.deepEqual(validate(networkCreateSchema, { Name: 'n', IPAM: null, Labels: null, Foo: 'bar' }), { Name: 'n' });
    assert.deepEqual(validate(networkConnectSchema, { Container: 'c', EndpointConfig: { IPAMConfig: null, Aliases: ['x'] } }), {
      Container: 'c',
      EndpointConfig: { Aliases: ['x'] },
    });
  });
});
