import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coreFromEventsV1, eventsV1FromCore } from './eventConversion.ts';

const metadata = { name: 'web.17a', namespace: 'default', uid: 'u1', resourceVersion: '7' };

test('a kubelet-style core event reads as events.k8s.io/v1 with the renamed fields', () => {
  const core = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata,
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'p1', apiVersion: 'v1', fieldPath: 'spec.containers{web}' },
    reason: 'Pulled',
    message: 'Successfully pulled image "nginx"',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2024-01-01T00:00:00Z',
    lastTimestamp: '2024-01-01T00:01:00Z',
    count: 3,
    type: 'Normal',
    reportingComponent: '',
    reportingInstance: '',
  };
  assert.deepEqual(eventsV1FromCore(core), {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata,
    eventTime: null,
    reason: 'Pulled',
    regarding: core.involvedObject,
    note: 'Successfully pulled image "nginx"',
    type: 'Normal',
    deprecatedSource: { component: 'kubelet', host: 'node-1' },
    deprecatedFirstTimestamp: '2024-01-01T00:00:00Z',
    deprecatedLastTimestamp: '2024-01-01T00:01:00Z',
    deprecatedCount: 3,
  });
});

test('a new-style event reads as core/v1 with null timestamps and empty source', () => {
  const v1 = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata,
    eventTime: '2024-01-01T00:00:00.000000Z',
    series: { count: 2, lastObservedTime: '2024-01-01T00:05:00.000000Z' },
    reportingController: 'default-scheduler',
    reportingInstance: 'default-scheduler-node-1',
    action: 'Binding',
    reason: 'Scheduled',
    regarding: { kind: 'Pod', namespace: 'default', name: 'web' },
    related: { kind: 'Node', name: 'node-1' },
    note: 'Successfully assigned default/web to node-1',
    type: 'Normal',
  };
  assert.deepEqual(coreFromEventsV1(v1), {
    apiVersion: 'v1',
    kind: 'Event',
    metadata,
    involvedObject: v1.regarding,
    reason: 'Scheduled',
    message: v1.note,
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    type: 'Normal',
    eventTime: v1.eventTime,
    series: v1.series,
    action: 'Binding',
    related: v1.related,
    reportingComponent: 'default-scheduler',
    reportingInstance: 'default-scheduler-node-1',
  });
});

test('converting there and back keeps every field', () => {
  const v1 = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata,
    eventTime: '2024-01-01T00:00:00.000000Z',
    reportingController: 'c',
    reportingInstance: 'i',
    action: 'A',
    reason: 'R',
    regarding: { kind: 'Pod', name: 'p' },
    note: 'n',
    type: 'Warning',
    deprecatedSource: { component: 'c' },
    deprecatedFirstTimestamp: '2024-01-01T00:00:00Z',
    deprecatedLastTimestamp: '2024-01-01T00:00:00Z',
    deprecatedCount: 4,
  };
  assert.deepEqual(eventsV1FromCore(coreFromEventsV1(v1)), v1);
});
