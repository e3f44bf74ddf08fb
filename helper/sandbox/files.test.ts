import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderHosts } from './files.js';

test('/etc/hosts: a name or address that does not fit a hosts line is left out, so no line can be injected', () => {
  const out = renderHosts(['web1', 'evil\n6.6.6.6 bank.example', 'tab\tname', '#c', 'web'], ['172.18.0.2/16', '1.2.3.4\n5.6.7.8 x']);
  const own = out.split('\n').slice(6).filter(Boolean);
  assert.deepEqual(own, ['172.18.0.2\tweb1 web']);
});
