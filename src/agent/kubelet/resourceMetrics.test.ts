import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goFloat, resourceMetrics } from './resourceMetrics.ts';
import type { Summary } from './resourceUsage.ts';

const t = '2025-01-01T00:00:02.000Z';
const ms = Date.parse(t);

test('a summary becomes upstream\'s resource metrics: sorted families and samples, stamped with their time', () => {
  const summary: Summary = {
    node: { nodeName: 'n1', cpu: { time: t, usageNanoCores: 5e8, usageCoreNanoSeconds: 12.5e9 }, memory: { time: t, workingSetBytes: 1_234_567_890, usageBytes: 2e9 } },
    pods: [
      {
        podRef: { name: 'web', namespace: 'prod', uid: 'u1' },
        startTime: '2025-01-01T00:00:00Z',
        containers: [
          { name: 'side', startTime: '2025-01-01T00:00:01.5Z', cpu: { time: t, usageCoreNanoSeconds: 0.25e9 }, memory: { time: t, workingSetBytes: 4096 } },
          { name: 'app', startTime: '2025-01-01T00:00:01Z', cpu: { time: t, usageCoreNanoSeconds: 2e9 }, memory: { time: t, workingSetBytes: 10_000_000 } },
        ],
        cpu: { time: t, usageCoreNanoSeconds: 2.25e9 },
        memory: { time: t, workingSetBytes: 10_004_096 },
      },
      { podRef: { name: 'idle', namespace: 'a"b', uid: 'u2' }, startTime: t, containers: [] },
    ],
  };
  assert.equal(resourceMetrics(summary), [
    '# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds',
    '# TYPE container_cpu_usage_seconds_total counter',
    `container_cpu_usage_seconds_total{container="app",namespace="prod",pod="web"} 2 ${ms}`,
    `container_cpu_usage_seconds_total{container="side",namespace="prod",pod="web"} 0.25 ${ms}`,
    '# HELP container_memory_working_set_bytes [STABLE] Current working set of the container in bytes',
    '# TYPE container_memory_working_set_bytes gauge',
    `container_memory_working_set_bytes{container="app",namespace="prod",pod="web"} 1e+07 ${ms}`,
    `container_memory_working_set_bytes{container="side",namespace="prod",pod="web"} 4096 ${ms}`,
    '# HELP container_start_time_seconds [STABLE] Start time of the container since unix epoch in seconds',
    '# TYPE container_start_time_seconds gauge',
    'container_start_time_seconds{container="app",namespace="prod",pod="web"} 1.735689601e+09',
    'container_start_time_seconds{container="side",namespace="prod",pod="web"} 1.7356896015e+09',
    '# HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds',
    '# TYPE node_cpu_usage_seconds_total counter',
    `node_cpu_usage_seconds_total 12.5 ${ms}`,
    '# HELP node_memory_working_set_bytes [STABLE] Current working set of the node in bytes',
    '# TYPE node_memory_working_set_bytes gauge',
    `node_memory_working_set_bytes 1.23456789e+09 ${ms}`,
    '# HELP pod_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the pod in core-seconds',
    '# TYPE pod_cpu_usage_seconds_total counter',
    `pod_cpu_usage_seconds_total{namespace="prod",pod="web"} 2.25 ${ms}`,
    '# HELP pod_memory_working_set_bytes [STABLE] Current working set of the pod in bytes',
    '# TYPE pod_memory_working_set_bytes gauge',
    `pod_memory_working_set_bytes{namespace="prod",pod="web"} 1.0004096e+07 ${ms}`,
    '# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise',
    '# TYPE resource_scrape_error gauge',
    'resource_scrape_error 0',
    '',
  ].join('\n'));
});

test('a failed collection is only resource_scrape_error 1', () => {
  assert.match(resourceMetrics(undefined), /^# HELP resource_scrape_error .*\n# TYPE resource_scrape_error gauge\nresource_scrape_error 1\n$/);
});

test('numbers are formatted as Go formats a float64', () => {
  assert.deepEqual([0, 1, 0.25, 123456, 1e6, 1234567, 0.0001, 0.00001, -2.5e-7, NaN, Infinity].map(goFloat),
    ['0', '1', '0.25', '123456', '1e+06', '1.234567e+06', '0.0001', '1e-05', '-2.5e-07', 'NaN', '+Inf']);
});
