import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultTolerationSeconds } from './defaultTolerations.ts';
import type { Pod } from '../../api/objects.ts';

const pod = (tolerations?: object[]): Pod => ({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }], tolerations } }) as Pod;

test('a pod gets 300 s tolerations for not-ready and unreachable', () => {
  const original = pod();
  const admitted = defaultTolerationSeconds(original);
  assert.deepEqual(admitted.spec!.tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
  assert.equal(original.spec!.tolerations, undefined, 'the input is not changed');
  assert.equal(defaultTolerationSeconds(pod(), 5).spec!.tolerations![0].tolerationSeconds, 5);
});

test('a pod with its own toleration for a taint keeps it and gets only the other', () => {
  const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 6000 };
  assert.deepEqual(defaultTolerationSeconds(pod([own])).spec!.tolerations, [own, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]);
});

test('a toleration of every key or every effect counts', () => {
  const everything = pod([{ operator: 'Exists' }]);
  assert.equal(defaultTolerationSeconds(everything), everything);
  const anyEffect = pod([{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists' }]);
  assert.equal(defaultTolerationSeconds(anyEffect), anyEffect);
  const noSchedule = pod([{ operator: 'Exists', effect: 'NoSchedule' }]);
  assert.equal(defaultTolerationSeconds(noSchedule).spec!.tolerations!.length, 3, 'a NoSchedule toleration does not');
});
