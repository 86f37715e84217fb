import { test } from 'node:test';
import assert from 'node:assert/strict';
import { event } from './event.ts';

const cell = (name: string, obj: any) => event.columns!.find((c) => c.name === name)!.cell(obj) as string;

test('columns: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE, and NAME only when wide', () => {
  assert.deepEqual(event.columns!.filter((c) => !c.priority).map((c) => c.name), ['Last Seen', 'Type', 'Reason', 'Object', 'Message']);
  assert.deepEqual(event.columns!.filter((c) => c.priority === 1).map((c) => c.name), ['Subobject', 'Source', 'First Seen', 'Count', 'Name']);
  assert.equal(event.columns!.find((c) => c.name === 'Name')!.format, 'name');
});

test('cells: kind/name, trimmed message, source with host, count of one by default', () => {
  const e = { involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{web}' }, message: ' Pulled image \n', source: { component: 'kubelet', host: 'n1' } };
  assert.equal(cell('Object', e), 'pod/web-1');
  assert.equal(cell('Message', e), 'Pulled image');
  assert.equal(cell('Source', e), 'kubelet, n1');
  assert.equal(cell('Subobject', e), 'spec.containers{web}');
  assert.equal(cell('Count', e), 1);
  assert.equal(cell('Source', { reportingComponent: 'default-scheduler' }), 'default-scheduler');
});

test('LAST SEEN falls back to the first timestamp, then the event time', () => {
  const recent = new Date(Date.now() - 30_000).toISOString();
  assert.match(cell('Last Seen', { lastTimestamp: recent }), /^3\ds$/);
  assert.match(cell('Last Seen', { firstTimestamp: recent }), /^3\ds$/);
  assert.match(cell('Last Seen', { eventTime: recent }), /^3\ds$/);
  assert.equal(cell('Last Seen', {}), '<unknown>');
});

test('field selectors used by kubectl describe', () => {
  const e = { involvedObject: { kind: 'Pod', name: 'p', namespace: 'd', uid: 'u' }, reason: 'Scheduled', type: 'Normal', source: { component: 'default-scheduler' } };
  const f = event.fieldSelectors!;
  assert.deepEqual(['involvedObject.kind', 'involvedObject.name', 'involvedObject.namespace', 'involvedObject.uid', 'reason', 'type', 'source'].map((k) => f[k](e)), ['Pod', 'p', 'd', 'u', 'Scheduled', 'Normal', 'default-scheduler']);
});

test('old-style events must match their object namespace; new-style ones need reporting fields', () => {
  assert.deepEqual(event.validate!({ metadata: { namespace: 'd' }, involvedObject: { namespace: 'd' } }), []);
  assert.deepEqual(event.validate!({ metadata: { namespace: 'default' }, involvedObject: { kind: 'Node' } }), []);
  assert.deepEqual(event.validate!({ metadata: { namespace: 'a' }, involvedObject: { namespace: 'b' } }).map((e) => e.message), ['Invalid value: "b": does not match event.namespace']);
  const modern = event.validate!({ metadata: { namespace: 'd' }, involvedObject: { namespace: 'd' }, eventTime: '2024-01-01T00:00:00.000000Z' });
  assert.deepEqual(modern.map((e) => e.field), ['reportingController', 'reportingController', 'reportingController', 'reportingInstance', 'action', 'reason']);
});
