import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeManagedFields, encodeManagedFields, managerIdentifier, printManager } from './managedFields.ts';

const entry = (over: object) => ({ manager: 'm', operation: 'Update', apiVersion: 'v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} }, ...over });

test('managers are identified as upstream does: Apply per manager, Update per apiVersion too', () => {
  assert.equal(managerIdentifier({ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1' }), '{"manager":"kubectl","operation":"Apply"}');
  assert.equal(managerIdentifier({ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', subresource: 'status' }), '{"manager":"kubelet","operation":"Update","apiVersion":"v1","subresource":"status"}');
  const managed = decodeManagedFields([entry({ apiVersion: 'v1' }), entry({ apiVersion: 'v2' }), entry({ operation: 'Apply', apiVersion: 'v1' })]);
  assert.equal(managed.fields.size, 3);
});

test('decoding and encoding round-trip, keeping field order and time', () => {
  const entries = [entry({ manager: 'a', operation: 'Apply' }), entry({ manager: 'b', subresource: 'status', time: undefined })];
  const encoded = encodeManagedFields(decodeManagedFields(entries));
  assert.deepEqual(encoded, [entries[0], { manager: 'b', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} }, subresource: 'status' }]);
  assert.deepEqual(Object.keys(encoded![1]), ['manager', 'operation', 'apiVersion', 'fieldsType', 'fieldsV1', 'subresource']);
});

test('malformed entries are refused with upstream wording', () => {
  assert.throws(() => decodeManagedFields([entry({ operation: 'Patch' })]), /operation must be `Apply` or `Update`/);
  assert.throws(() => decodeManagedFields([entry({ apiVersion: '' })]), /apiVersion must not be empty/);
  assert.throws(() => decodeManagedFields([entry({ fieldsType: undefined })]), /missing fieldsType in managed fields entry 0/);
  assert.throws(() => decodeManagedFields([entry({ fieldsType: 'FieldsV2' })]), /invalid fieldsType "FieldsV2" in managed fields entry 0/);
});

test('managers print as conflict messages name them', () => {
  assert.equal(printManager('{"manager":"kubectl","operation":"Apply"}'), '"kubectl"');
  assert.equal(printManager('{"manager":"hpa","operation":"Update","apiVersion":"autoscaling/v2","subresource":"scale"}'), '"hpa" with subresource "scale" using autoscaling/v2');
});
