import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evictionDecision } from './evictionDecision.ts';

const t0 = Date.parse('2025-01-01T00:00:00Z');
const unreachable = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2025-01-01T00:00:00Z' };
const dedicated = { key: 'dedicated', value: 'db', effect: 'NoExecute' };

test('an untolerated taint evicts at once', () => {
  assert.deepEqual(evictionDecision([unreachable], [], t0, t0), { action: 'evict' });
  assert.deepEqual(evictionDecision([unreachable, dedicated], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }], t0, t0), { action: 'evict' });
});

test('tolerationSeconds count from when the taint was added', () => {
  const tolerations = [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }];
  assert.deepEqual(evictionDecision([unreachable], tolerations, t0 + 100_000, t0 + 100_000), { action: 'wait', untilMs: t0 + 300_000 });
  assert.deepEqual(evictionDecision([unreachable], tolerations, t0, t0 + 300_000), { action: 'evict' });
  const noTime = { key: 'dedicated', value: 'db', effect: 'NoExecute' };
  assert.deepEqual(evictionDecision([noTime], [{ key: 'dedicated', operator: 'Equal', value: 'db', tolerationSeconds: 10 }], t0 + 5_000, t0 + 6_000), { action: 'wait', untilMs: t0 + 15_000 }, 'without timeAdded: from when it was noticed');
});

test('the soonest deadline wins; a toleration without seconds lasts for ever', () => {
  const tolerations = [
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 },
    { key: 'dedicated', operator: 'Exists' },
  ];
  assert.deepEqual(evictionDecision([unreachable, { ...dedicated, timeAdded: '2020-01-01T00:00:00Z' }], tolerations, t0, t0 + 1_000), { action: 'wait', untilMs: t0 + 60_000 });
  assert.deepEqual(evictionDecision([dedicated], tolerations, t0, t0), { action: 'keep' });
  assert.deepEqual(evictionDecision([], [], t0, t0), { action: 'keep' });
  assert.deepEqual(evictionDecision([unreachable], [{ operator: 'Exists', tolerationSeconds: -5 }], t0, t0), { action: 'evict' }, 'zero or negative seconds: at once');
});
