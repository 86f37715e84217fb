// PersistentVolume: a piece of storage in the cluster, bound to at most one claim.

import { isDeepStrictEqual } from 'node:util';
import type { FieldError } from '../../../apiserver/errors.ts';
import type { KindDeclaration } from '../../kind.ts';
import { dns1123Subdomain, forbidden, immutable, invalidValue, required, unsupported } from '../../validation.ts';
import { ageColumn } from './format.ts';
import { parseQuantity } from './quantity.ts';
import { validateNodeSelector } from './scheduling.ts';
import { validatePathNoBacksteps } from './containers.ts';
import { accessModesString, storageClassOf, validateAccessModes, volumeModes } from './persistentVolumeClaim.ts';

export const persistentVolume: KindDeclaration = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  singular: 'persistentvolume',
  namespaced: false,
  shortNames: ['pv'],
  subresources: { status: true },
  columns: [
    { name: 'Capacity', type: 'string', description: 'Storage capacity of the volume.', cell: (pv) => String(pv.spec?.capacity?.storage ?? '0') },
    { name: 'Access Modes', type: 'string', description: 'How the volume may be mounted.', cell: (pv) => accessModesString(pv.spec?.accessModes) },
    { name: 'Reclaim Policy', type: 'string', description: 'What happens to the volume when its claim is released.', cell: (pv) => pv.spec?.persistentVolumeReclaimPolicy ?? '' },
    { name: 'Status', type: 'string', description: 'Phase of the volume, or Terminating.', cell: (pv) => (pv.metadata?.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? '')) },
    { name: 'Claim', type: 'string', description: 'The claim bound to this volume.', cell: (pv) => (pv.spec?.claimRef ? `${pv.spec.claimRef.namespace ?? ''}/${pv.spec.claimRef.name ?? ''}` : '') },
    { name: 'StorageClass', type: 'string', description: 'StorageClass of the pv.', cell: (pv) => storageClassOf(pv, pv.spec?.storageClassName) },
    { name: 'VolumeAttributesClass', type: 'string', description: 'VolumeAttributesClass of the pv.', cell: (pv) => pv.spec?.volumeAttributesClassName ?? '<unset>' },
    { name: 'Reason', type: 'string', description: 'Why the volume is in its phase.', cell: (pv) => pv.status?.reason ?? '' },
    ageColumn,
    { name: 'VolumeMode', type: 'string', priority: 1, description: 'Filesystem or Block.', cell: (pv) => pv.spec?.volumeMode ?? '<unset>' },
  ],
  defaults: (pv) => {
    pv.spec ??= {};
    pv.spec.persistentVolumeReclaimPolicy ||= 'Retain';
    pv.spec.volumeMode ??= 'Filesystem';
    if (pv.spec.hostPath) pv.spec.hostPath.type ??= '';
    pv.status ??= {};
    pv.status.phase ||= 'Pending';
  },
  validate: (pv, old) => [...validatePersistentVolumeSpec(pv.spec ?? {}), ...(old ? validateVolumeUpdate(pv, old) : [])],
};

/** The volume sources a PersistentVolume may use, in upstream's order (the first one counts). */
const pvSources = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'flocker', 'nfs', 'rbd', 'quobyte', 'cephfs', 'iscsi', 'cinder', 'fc',
  'flexVolume', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'scaleIO', 'local', 'storageos', 'csi',
];
const reclaimPolicies = ['Delete', 'Recycle', 'Retain'];

function validatePersistentVolumeSpec(spec: any): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateAccessModes(spec.accessModes, 'spec.accessModes', ''));
  const capacity: Record<string, unknown> = spec.capacity ?? {};
  const names = Object.keys(capacity);
  if (names.length === 0) errs.push(required('spec.capacity', ''));
  if (!('storage' in capacity) || names.length > 1) errs.push(unsupported('spec.capacity', capacity, ['storage']));
  for (const name of names) {
    const value = parseQuantity(capacity[name] as string);
    if (value !== undefined && value < 0) errs.push(invalidValue(`spec.capacity[${name}]`, value, 'must be a valid resource quantity'));
    if (value !== undefined && value <= 0) errs.push(invalidValue(`spec.capacity[${name}]`, String(capacity[name]), 'must be greater than zero'));
  }
  if (spec.persistentVolumeReclaimPolicy && !reclaimPolicies.includes(spec.persistentVolumeReclaimPolicy)) {
    errs.push(unsupported('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, reclaimPolicies));
  }
  const hasNodeAffinity = !!spec.nodeAffinity;
  if (spec.nodeAffinity) {
    if (spec.nodeAffinity.required) errs.push(...validateNodeSelector(spec.nodeAffinity.required, 'spec.nodeAffinity.required'));
    else errs.push(required('spec.nodeAffinity.required', 'must specify required node constraints'));
  }
  const present = pvSources.filter((s) => spec[s] !== undefined && spec[s] !== null);
  if (present.length === 0) errs.push(required('spec', 'must specify a volume type'));
  // flexVolume is never counted as the "other" source upstream.
  for (const extra of present.slice(1)) if (extra !== 'flexVolume') errs.push(forbidden(`spec.${extra}`, 'may not specify more than 1 volume type'));
  if (spec.hostPath) {
    if (!spec.hostPath.path) errs.push(required('spec.hostPath.path', ''));
    else errs.push(...validatePathNoBacksteps(spec.hostPath.path, 'spec.hostPath.path'));
    if (spec.hostPath.path === '/' && spec.persistentVolumeReclaimPolicy === 'Recycle') {
      errs.push(forbidden('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for a hostPath mount of '/'"));
    }
  }
  if (spec.local) {
    if (!spec.local.path) errs.push(required('spec.local.path', ''));
    else errs.push(...validatePathNoBacksteps(spec.local.path, 'spec.local.path'));
    if (!hasNodeAffinity) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  }
  if (spec.nfs) {
    if (!spec.nfs.server) errs.push(required('spec.nfs.server', ''));
    if (!spec.nfs.path) errs.push(required('spec.nfs.path', ''));
    if (!String(spec.nfs.path ?? '').startsWith('/')) errs.push(invalidValue('spec.nfs.path', spec.nfs.path ?? '', 'must be an absolute path'));
  }
  if (spec.csi) {
    if (!spec.csi.driver) errs.push(required('spec.csi.driver', ''));
    if (!spec.csi.volumeHandle) errs.push(required('spec.csi.volumeHandle', ''));
  }
  if (spec.storageClassName) errs.push(...dns1123Subdomain(spec.storageClassName, 'spec.storageClassName'));
  if (spec.volumeMode !== undefined && !volumeModes.includes(spec.volumeMode)) errs.push(unsupported('spec.volumeMode', spec.volumeMode, volumeModes));
  return errs;
}

// The source is fixed at creation; node affinity too once set. (Upstream's paths, verbatim.)
function validateVolumeUpdate(pv: any, old: any): FieldError[] {
  const errs: FieldError[] = [];
  const sourceOf = (spec: any) => Object.fromEntries(pvSources.filter((s) => spec?.[s] !== undefined).map((s) => [s, spec[s]]));
  if (!isDeepStrictEqual(sourceOf(pv.spec), sourceOf(old.spec))) {
    errs.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  }
  if (pv.spec?.volumeMode !== old.spec?.volumeMode) errs.push(immutable('volumeMode', pv.spec?.volumeMode ?? null));
  if (old.spec?.nodeAffinity && !isDeepStrictEqual(pv.spec?.nodeAffinity, old.spec.nodeAffinity)) {
    errs.push(invalidValue('nodeAffinity', pv.spec?.nodeAffinity ?? null, 'field is immutable, except for updating from beta label to GA'));
  }
  return errs;
}
