import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { containerResources, podResources } from './containerResources.ts';

test('a container: cpu request as millicores (0 when none), cpu and memory limits when set', () => {
  assert.deepEqual(containerResources({ name: 'a', resources: { requests: { cpu: '0.7' }, limits: { cpu: '1', memory: '1Gi' } } }), { cpuRequestMillis: 700, cpuLimitMillis: 1000, memoryLimitBytes: 2 ** 30 });
  assert.deepEqual(containerResources({ name: 'a', resources: { limits: { cpu: '250m' } } }), { cpuRequestMillis: 250, cpuLimitMillis: 250 }, 'the request defaults to the limit');
  assert.deepEqual(containerResources({ name: 'a' }), { cpuRequestMillis: 0 });
});

test('a pod: limits only when every container declares one; overhead added', () => {
  const pod = (containers: Container[], overhead?: Record<string, string>): Pod => ({ spec: { containers, overhead } });
  assert.deepEqual(podResources(pod([{ name: 'a', resources: { limits: { cpu: '1', memory: '100Mi' } } }, { name: 'b', resources: { requests: { cpu: '100m' }, limits: { memory: '50Mi' } } }])), {
    cpuRequestMillis: 1100, memoryLimitBytes: 150 * 2 ** 20,
  });
  assert.deepEqual(podResources(pod([{ name: 'a', resources: { limits: { cpu: '1', memory: '100Mi' } } }], { cpu: '250m', memory: '10Mi' })), {
    cpuRequestMillis: 1250, cpuLimitMillis: 1250, memoryLimitBytes: 110 * 2 ** 20,
  });
  assert.deepEqual(podResources(pod([{ name: 'a' }])), { cpuRequestMillis: 0 }, 'BestEffort: minimum shares only');
});

test('a pod with init containers and sidecars: the larger of the init phase and the running phase', () => {
  const limits = (cpu: string, memory: string) => ({ limits: { cpu, memory } });
  const p: Pod = {
    spec: {
      initContainers: [
        { name: 'proxy', restartPolicy: 'Always', resources: limits('100m', '100Mi') },
        { name: 'migrate', resources: limits('1', '50Mi') },
      ],
      containers: [{ name: 'app', resources: limits('500m', '400Mi') }],
    },
  };
  // Init phase: migrate beside the proxy (1100m, 150Mi); running: app and proxy (600m, 500Mi).
  assert.deepEqual(podResources(p), { cpuRequestMillis: 1100, cpuLimitMillis: 1100, memoryLimitBytes: 500 * 2 ** 20 });
});
