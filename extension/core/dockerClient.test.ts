// dockerode's errors become ApiError: the daemon's message and status, in cnm's wording where the
// body carries cnm's detail (an overlap names the network, a sandbox is a sandbox).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './client.js';
import { toApiError } from './dockerClient.js';

const dockerodeError = (statusCode: number, json: unknown) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${(json as { message: string }).message} `), { statusCode, json });

test('an overlap names the network it overlaps; a missing sandbox is called a sandbox', () => {
  const overlap = toApiError(
    dockerodeError(403, {
      message: 'Pool overlaps with other one on this address space',
      cnm: { reason: 'pool-overlap', subnet: '10.1.0.0/16', pool: '10.1.0.0/24', overlaps: 'frontend' },
    }),
  );
  assert.ok(overlap instanceof ApiError);
  assert.equal(overlap.message, 'Pool 10.1.0.0/16 overlaps with network "frontend" (10.1.0.0/24) on this address space');
  assert.equal(overlap.status, 403);
  assert.equal(
    toApiError(dockerodeError(404, { message: 'No such container: x', cnm: { reason: 'no-such-sandbox', sandbox: 'x' } })).message,
    'No such sandbox: x',
  );
});

test("without cnm's detail (or with a malformed one) Docker's message stays as it is", () => {
  assert.equal(toApiError(dockerodeError(404, { message: 'network n not found' })).message, 'network n not found');
  assert.equal(
    toApiError(dockerodeError(403, { message: 'Pool overlaps with other one on this address space', cnm: { reason: 'pool-overlap' } }))
      .message,
    'Pool overlaps with other one on this address space',
  );
  assert.equal(toApiError(Object.assign(new Error('(HTTP code 500) server error - boom '), { statusCode: 500 })).message, 'boom');
});
