import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pod as podKind } from '../api/groups/core/pod.ts';
import type { KubeObject } from '../api/kind.ts';
import { admissionPlugins } from './admission.ts';
import { ApiError } from './errors.ts';

const classes: Record<string, KubeObject> = { process: { metadata: { name: 'process' }, handler: 'process', overhead: { podFixed: { cpu: '10m' } } } };
const plugins = admissionPlugins({ defaultTolerationSeconds: 300, runtimeClass: (name) => classes[name] });
const admit = (obj: KubeObject) => plugins.reduce((o, plugin) => plugin(podKind, o), obj);

test('RuntimeClass admission: an unknown class is 403 Forbidden as upstream words it; a known one adds its overhead', () => {
  const pod = (runtimeClassName: string): KubeObject => ({ metadata: { name: 'web', namespace: 'default' }, spec: { runtimeClassName, containers: [{ name: 'c' }] } });
  assert.throws(() => admit(pod('gvisor')), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 403);
    assert.equal(err.message, 'pods "web" is forbidden: pod rejected: RuntimeClass "gvisor" not found');
    return true;
  });
  assert.deepEqual((admit(pod('process')).spec as { overhead: unknown }).overhead, { cpu: '10m' });
});

test('without a RuntimeClass lookup the RuntimeClass admission is off', () => {
  const only = admissionPlugins({ defaultTolerationSeconds: 300 });
  assert.equal(only.length, 1);
});
