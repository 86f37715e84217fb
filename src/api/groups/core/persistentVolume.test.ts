import { test } from 'node:test';
import assert from 'node:assert/strict';
import { persistentVolume } from './persistentVolume.ts';

function volume(spec: any): any {
  const pv = { metadata: { name: 'pv-1' }, spec };
  persistentVolume.defaults!(pv);
  return pv;
}

test('defaults: Retain, Filesystem, Pending', () => {
  const pv = volume({ capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } });
  assert.equal(pv.spec.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal(pv.spec.volumeMode, 'Filesystem');
  assert.equal(pv.status.phase, 'Pending');
  assert.deepEqual(persistentVolume.validate!(pv), []);
});

test('a volume needs capacity, access modes and exactly one source; local ones need node affinity', () => {
  assert.deepEqual(persistentVolume.validate!(volume({})).map((e) => `${e.field}: ${e.message}`), [
    'spec.accessModes: Required value',
    'spec.capacity: Required value',
    'spec.capacity: Unsupported value: map[string]string{}: supported values: "storage"',
    'spec: Required value: must specify a volume type',
  ]);
  const local = volume({ capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], local: { path: '/mnt' } });
  assert.deepEqual(persistentVolume.validate!(local).map((e) => e.message), ['Required value: Local volume requires node affinity']);
});

test('the source cannot change after creation', () => {
  const old = volume({ capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/a' } });
  const next = structuredClone(old);
  next.spec.hostPath.path = '/b';
  assert.deepEqual(persistentVolume.validate!(next, old).map((e) => e.field), ['spec.persistentvolumesource']);
});

test('columns', () => {
  const pv = { spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', claimRef: { namespace: 'd', name: 'data' }, storageClassName: 'local-path' }, status: { phase: 'Bound' } };
  assert.deepEqual(persistentVolume.columns!.slice(0, 8).map((c) => c.cell(pv)), ['5Gi', 'RWO', 'Delete', 'Bound', 'd/data', 'local-path', '<unset>', '']);
});
