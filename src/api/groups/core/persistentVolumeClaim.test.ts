import { test } from 'node:test';
import assert from 'node:assert/strict';
import { persistentVolumeClaim, accessModesString } from './persistentVolumeClaim.ts';

function claim(spec: any, status: any = {}): any {
  const pvc = { metadata: { name: 'data' }, spec, status };
  persistentVolumeClaim.defaults!(pvc);
  return pvc;
}

test('defaults: Filesystem mode, Pending phase', () => {
  const pvc = claim({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
  assert.equal(pvc.spec.volumeMode, 'Filesystem');
  assert.equal(pvc.status.phase, 'Pending');
  assert.deepEqual(persistentVolumeClaim.validate!(pvc), []);
});

test('access modes and a positive storage request are required', () => {
  const errs = persistentVolumeClaim.validate!(claim({ accessModes: ['ReadWriteSometimes'] }));
  assert.deepEqual(errs.map((e) => `${e.field}: ${e.message}`), [
    'spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    'spec.resources[storage]: Required value',
  ]);
  assert.equal(persistentVolumeClaim.validate!(claim({ accessModes: [] , resources: { requests: { storage: '0' } } }))[0].message, 'Required value: at least 1 access mode is required');
});

test('the spec is immutable except binding once and growing a bound claim', () => {
  const old = claim({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, { phase: 'Bound', capacity: { storage: '1Gi' } });
  const bind = structuredClone(old);
  bind.spec.volumeName = 'pv-1';
  assert.deepEqual(persistentVolumeClaim.validate!(bind, old), []);
  const grow = structuredClone(old);
  grow.spec.resources.requests.storage = '2Gi';
  assert.deepEqual(persistentVolumeClaim.validate!(grow, old), []);
  const shrink = structuredClone(old);
  shrink.spec.resources.requests.storage = '500Mi';
  assert.deepEqual(persistentVolumeClaim.validate!(shrink, old).map((e) => e.field), ['spec.resources.requests.storage']);
  const modes = structuredClone(old);
  modes.spec.accessModes = ['ReadWriteMany'];
  assert.equal(persistentVolumeClaim.validate!(modes, old)[0].message, 'Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims');
});

test('columns: capacity and access modes show once bound', () => {
  const cells = (pvc: any) => persistentVolumeClaim.columns!.map((c) => c.cell(pvc));
  const pending = { spec: { storageClassName: 'local-path' }, status: { phase: 'Pending' } };
  assert.deepEqual(cells(pending).slice(0, 6), ['Pending', '', '', '', 'local-path', '<unset>']);
  const bound = { spec: { volumeName: 'pv-1', volumeMode: 'Filesystem' }, status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } };
  assert.deepEqual(cells(bound).slice(0, 4), ['Bound', 'pv-1', '1Gi', 'RWO']);
  assert.equal(accessModesString(['ReadWriteMany', 'ReadWriteOnce']), 'RWO,RWX');
});
