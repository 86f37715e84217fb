import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeState, probeTiming } from './probeState.ts';

test('readiness starts failed and passes after successThreshold successes in a row', () => {
  const s = new ProbeState('readiness', { successThreshold: 2, failureThreshold: 2 });
  assert.equal(s.result, 'failure');
  assert.equal(s.record(true), false);
  assert.equal(s.record(false), false);
  assert.equal(s.record(true), false);
  assert.equal(s.record(true), true);
  assert.equal(s.result, 'success');
  assert.equal(s.record(false), false);
  assert.equal(s.record(false), true);
  assert.equal(s.result, 'failure');
  assert.equal(s.onHold, false, 'readiness keeps probing');
});

test('liveness starts passed, fails after failureThreshold failures, then holds until reset', () => {
  const s = new ProbeState('liveness', {});
  assert.equal(s.result, 'success');
  s.record(false);
  s.record(false);
  assert.equal(s.result, 'success');
  assert.equal(s.record(false), true);
  assert.equal(s.result, 'failure');
  assert.equal(s.onHold, true);
  assert.equal(s.record(true), false);
  s.reset();
  assert.equal(s.result, 'success');
  assert.equal(s.onHold, false);
});

test('startup is unknown until it succeeds', () => {
  const s = new ProbeState('startup', { failureThreshold: 30 });
  assert.equal(s.result, 'unknown');
  s.record(false);
  assert.equal(s.result, 'unknown');
  assert.equal(s.record(true), true);
  assert.equal(s.result, 'success');
});

test('timings default as upstream', () => {
  assert.deepEqual(probeTiming({}), { initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1_000, successThreshold: 1, failureThreshold: 3 });
});
