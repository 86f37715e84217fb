import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, Toleration } from 'kubernetes-types/core/v1.js';
import type { RuntimeClass } from 'kubernetes-types/node/v1.js';
import { admitRuntimeClass, mergeTolerations } from './runtimeClassAdmission.ts';

const classes: Record<string, RuntimeClass> = {
  process: { metadata: { name: 'process' }, handler: 'process' },
  vm: {
    metadata: { name: 'vm' }, handler: 'kata',
    overhead: { podFixed: { cpu: '250m', memory: '120Mi' } },
    scheduling: { nodeSelector: { 'runtime/kata': 'yes' }, tolerations: [{ key: 'kata', operator: 'Exists', effect: 'NoSchedule' }] },
  },
};
const lookup = (name: string) => classes[name];
const pod = (spec: Partial<NonNullable<Pod['spec']>>): Pod => ({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }], ...spec } });

test('a pod naming a RuntimeClass that does not exist is refused', () => {
  assert.deepEqual(admitRuntimeClass(pod({ runtimeClassName: 'gone' }), lookup), { rejected: 'pod rejected: RuntimeClass "gone" not found' });
  const plain = pod({});
  assert.deepEqual(admitRuntimeClass(plain, lookup), { pod: plain });
  const processPod = pod({ runtimeClassName: 'process' });
  assert.deepEqual(admitRuntimeClass(processPod, lookup), { pod: processPod });
});

test('the class\'s overhead, nodeSelector and tolerations are added to the pod', () => {
  const verdict = admitRuntimeClass(pod({ runtimeClassName: 'vm', nodeSelector: { disk: 'ssd' }, tolerations: [{ key: 'gpu', operator: 'Exists' }] }), lookup);
  assert.ok('pod' in verdict);
  assert.deepEqual(verdict.pod.spec?.overhead, { cpu: '250m', memory: '120Mi' });
  assert.deepEqual(verdict.pod.spec?.nodeSelector, { disk: 'ssd', 'runtime/kata': 'yes' });
  assert.deepEqual(verdict.pod.spec?.tolerations, [{ key: 'gpu', operator: 'Exists' }, { key: 'kata', operator: 'Exists', effect: 'NoSchedule' }]);
});

test('a conflicting nodeSelector or a different overhead is refused', () => {
  assert.deepEqual(admitRuntimeClass(pod({ runtimeClassName: 'vm', nodeSelector: { 'runtime/kata': 'no' } }), lookup), {
    rejected: 'conflict: runtimeClass.scheduling.nodeSelector[runtime/kata] = yes; pod.spec.nodeSelector[runtime/kata] = no',
  });
  assert.deepEqual(admitRuntimeClass(pod({ runtimeClassName: 'vm', overhead: { cpu: '1' } }), lookup), { rejected: "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead" });
  assert.ok('pod' in admitRuntimeClass(pod({ runtimeClassName: 'vm', overhead: { cpu: '0.25', memory: '120Mi' } }), lookup), 'an equal overhead, however written, passes');
  assert.deepEqual(admitRuntimeClass(pod({ overhead: { cpu: '1' } }), lookup), { rejected: 'pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead' });
});

test('merged tolerations drop those another covers', () => {
  const all: Toleration = { operator: 'Exists' };
  const key: Toleration = { key: 'k', operator: 'Exists' };
  const keyValue: Toleration = { key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' };
  assert.deepEqual(mergeTolerations([keyValue], [key]), [key]);
  assert.deepEqual(mergeTolerations([key, keyValue], [key]), [key]);
  assert.deepEqual(mergeTolerations([keyValue], [all]), [all]);
  const short: Toleration = { key: 'n', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 };
  const long: Toleration = { key: 'n', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
  assert.deepEqual(mergeTolerations([short], [long]), [long], 'the longer NoExecute toleration covers the shorter');
});
