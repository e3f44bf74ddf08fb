import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPortLines, hostIpsOverlap, parseExpose, parsePortSpec, parsePortSpecs, portMap, PortSpecError } from './ports.js';

test('docker run -p forms', () => {
  assert.deepEqual(parsePortSpec('8080:80').bindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
  assert.deepEqual(parsePortSpec('127.0.0.1:5353:53/udp').bindings, { '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }] });
  assert.deepEqual(parsePortSpec('9000').bindings, { '9000/tcp': [{ HostIp: '', HostPort: '' }] });
  assert.deepEqual(parsePortSpec('127.0.0.1::80').bindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
  assert.deepEqual(parsePortSpec('[::1]:8080:80/sctp').bindings, { '80/sctp': [{ HostIp: '::1', HostPort: '8080' }] });
  assert.deepEqual(parsePortSpec('8000-8002:80-82').bindings, {
    '80/tcp': [{ HostIp: '', HostPort: '8000' }],
    '81/tcp': [{ HostIp: '', HostPort: '8001' }],
    '82/tcp': [{ HostIp: '', HostPort: '8002' }],
  });
  assert.deepEqual(parsePortSpec('8000-8010:80').bindings, { '80/tcp': [{ HostIp: '', HostPort: '8000-8010' }] });
  assert.deepEqual(parsePortSpecs(['8080:80', '127.0.0.1:8081:80'])['80/tcp'], [
    { HostIp: '', HostPort: '8080' },
    { HostIp: '127.0.0.1', HostPort: '8081' },
  ]);
  assert.deepEqual(parseExpose('7000-7001/udp'), ['7000/udp', '7001/udp']);
});

test("Docker's parse errors", () => {
  const cases: Array<[string, string]> = [
    ['80:abc', 'Invalid containerPort: abc'],
    ['abc:80', 'Invalid hostPort: abc'],
    ['8080:', 'No port specified: 8080:<empty>'],
    ['1.2.3:80:80', 'Invalid ip address: 1.2.3'],
    ['8080:80/icmp', 'Invalid proto: icmp'],
    ['8000-8001:80-85', 'Invalid ranges specified for container and host Ports: 80-85 and 8000-8001'],
    ['70000:80', 'Invalid hostPort: 70000'],
  ];
  for (const [spec, msg] of cases)
    assert.throws(
      () => parsePortSpec(spec),
      (e: Error) => e instanceof PortSpecError && e.message === msg,
      spec,
    );
});

test('NetworkSettings.Ports and docker port lines', () => {
  const m = [
    { proto: 'udp' as const, containerPort: 53, hostIp: '127.0.0.1', hostPort: 5353 },
    { proto: 'tcp' as const, containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080 },
    { proto: 'tcp' as const, containerPort: 80, hostIp: '::', hostPort: 8080 },
  ];
  assert.deepEqual(portMap(m, ['7000/tcp']), {
    '7000/tcp': null,
    '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
    '80/tcp': [
      { HostIp: '0.0.0.0', HostPort: '8080' },
      { HostIp: '::', HostPort: '8080' },
    ],
  });
  assert.deepEqual(formatPortLines(m), ['53/udp -> 127.0.0.1:5353', '80/tcp -> 0.0.0.0:8080', '80/tcp -> :::8080']);
  assert.deepEqual(formatPortLines(m, '53/udp'), ['127.0.0.1:5353']);
  assert.deepEqual(formatPortLines(m, '53'), []);
});

test('host address overlap: equal, or a wildcard of the same family', () => {
  assert.ok(hostIpsOverlap('0.0.0.0', '127.0.0.1'));
  assert.ok(hostIpsOverlap('10.0.0.1', '10.0.0.1'));
  assert.ok(!hostIpsOverlap('10.0.0.1', '10.0.0.2'));
  assert.ok(!hostIpsOverlap('0.0.0.0', '::'));
  assert.ok(hostIpsOverlap('::', '::1'));
});
