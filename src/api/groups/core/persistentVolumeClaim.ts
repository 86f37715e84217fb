// PersistentVolumeClaim: a request for storage, bound by the PV controller to a volume.

import { isDeepStrictEqual } from 'node:util';
import type { FieldError } from '../../../apiserver/errors.ts';
import type { KindDeclaration } from '../../kind.ts';
import { dns1123Label, dns1123Subdomain, forbidden, immutable, invalidValue, required, unsupported, validateLabelSelector } from '../../validation.ts';
import { ageColumn } from './format.ts';
import { parseQuantity } from './quantity.ts';
import { validateQuantity } from './resources.ts';

export const persistentVolumeClaim: KindDeclaration = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  namespaced: true,
  shortNames: ['pvc'],
  subresources: { status: true },
  columns: [
    { name: 'Status', type: 'string', description: 'Phase of the claim (Pending, Bound, Lost), or Terminating.', cell: (pvc) => (pvc.metadata?.deletionTimestamp ? 'Terminating' : (pvc.status?.phase ?? '')) },
    { name: 'Volume', type: 'string', description: 'The volume bound to this claim.', cell: (pvc) => pvc.spec?.volumeName ?? '' },
    { name: 'Capacity', type: 'string', description: 'Storage of the bound volume.', cell: (pvc) => (pvc.spec?.volumeName ? String(pvc.status?.capacity?.storage ?? '0') : '') },
    { name: 'Access Modes', type: 'string', description: 'Access modes of the bound volume.', cell: (pvc) => (pvc.spec?.volumeName ? accessModesString(pvc.status?.accessModes) : '') },
    { name: 'StorageClass', type: 'string', description: 'StorageClass of the pvc.', cell: (pvc) => storageClassOf(pvc, pvc.spec?.storageClassName) },
    { name: 'VolumeAttributesClass', type: 'string', description: 'VolumeAttributesClass of the pvc.', cell: (pvc) => pvc.spec?.volumeAttributesClassName ?? '<unset>' },
    ageColumn,
    { name: 'VolumeMode', type: 'string', priority: 1, description: 'Filesystem or Block.', cell: (pvc) => pvc.spec?.volumeMode ?? '<unset>' },
  ],
  defaults: (pvc) => {
    pvc.spec ??= {};
    defaultPersistentVolumeClaimSpec(pvc.spec);
    pvc.status ??= {};
    pvc.status.phase ||= 'Pending';
  },
  validate: (pvc, old) => [...validatePersistentVolumeClaimSpec(pvc.spec ?? {}, 'spec'), ...(old ? validateClaimUpdate(pvc, old) : [])],
};

/** Claim spec defaults, wherever a claim spec appears (claims, templates, ephemeral volumes). */
export function defaultPersistentVolumeClaimSpec(spec: any): void {
  spec.volumeMode ??= 'Filesystem';
}

/** The storage class as printed: the beta annotation wins over the field. */
export function storageClassOf(obj: any, fieldValue: string | undefined): string {
  return obj.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? fieldValue ?? '';
}

const accessModeAbbreviations: [string, string][] = [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']];

/** `RWO,ROX` in upstream's fixed order. */
export function accessModesString(modes: string[] | undefined): string {
  return accessModeAbbreviations.filter(([mode]) => (modes ?? []).includes(mode)).map(([, short]) => short).join(',');
}

export const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
export const volumeModes = ['Block', 'Filesystem'];

/** Access modes: at least one, all known, ReadWriteOncePod alone. */
export function validateAccessModes(modes: string[] | undefined, path: string, requiredDetail: string): FieldError[] {
  const list = modes ?? [];
  if (list.length === 0) return [required(path, requiredDetail)];
  const errs: FieldError[] = [];
  for (const mode of list) if (!accessModes.includes(mode)) errs.push(unsupported(path, mode, accessModes));
  if (list.includes('ReadWriteOncePod') && list.some((m) => m !== 'ReadWriteOncePod' && accessModes.includes(m))) {
    errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  }
  return errs;
}

/** A claim spec (also in StatefulSet volumeClaimTemplates and ephemeral volumes). */
export function validatePersistentVolumeClaimSpec(spec: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateAccessModes(spec.accessModes, `${path}.accessModes`, 'at least 1 access mode is required'));
  errs.push(...validateLabelSelector(spec.selector, `${path}.selector`));
  const storagePath = `${path}.resources[storage]`;
  const storage = spec.resources?.requests?.storage;
  if (storage === undefined) errs.push(required(storagePath, ''));
  else {
    const value = parseQuantity(storage);
    if (value !== undefined && value <= 0) errs.push(invalidValue(storagePath, String(storage), 'must be greater than zero'));
    else errs.push(...validateQuantity('storage', storage, storagePath).errors);
  }
  if (spec.storageClassName) errs.push(...dns1123Subdomain(spec.storageClassName, `${path}.storageClassName`));
  if (spec.volumeMode !== undefined && !volumeModes.includes(spec.volumeMode)) errs.push(unsupported(`${path}.volumeMode`, spec.volumeMode, volumeModes));
  if (spec.dataSource) errs.push(...validateDataSource(spec.dataSource, `${path}.dataSource`));
  if (spec.dataSourceRef) {
    errs.push(...validateDataSource(spec.dataSourceRef, `${path}.dataSourceRef`));
    if (spec.dataSourceRef.namespace) {
      errs.push(...dns1123Label(spec.dataSourceRef.namespace, `${path}.dataSourceRef.namespace`));
      if (spec.dataSource) errs.push(invalidValue(path, `${path}.dataSource`, 'may not be specified when dataSourceRef.namespace is specified'));
    } else if (spec.dataSource && !sameSource(spec.dataSource, spec.dataSourceRef)) {
      errs.push(invalidValue(path, `${path}.dataSource`, 'must match dataSourceRef'));
    }
  }
  if (spec.volumeAttributesClassName) errs.push(...dns1123Subdomain(spec.volumeAttributesClassName, `${path}.volumeAttributesClassName`));
  return errs;
}

function validateDataSource(ref: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!ref.name) errs.push(required(`${path}.name`, ''));
  if (!ref.kind) errs.push(required(`${path}.kind`, ''));
  if (!ref.apiGroup && ref.kind !== 'PersistentVolumeClaim') errs.push(invalidValue(path, ref.kind ?? '', "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  if (ref.apiGroup) errs.push(...dns1123Subdomain(ref.apiGroup, `${path}.apiGroup`));
  return errs;
}

const sameSource = (a: any, b: any) => (a.apiGroup ?? '') === (b.apiGroup ?? '') && a.kind === b.kind && a.name === b.name;

// The spec is fixed once created, except that volumeName may be set once (binding) and a bound
// claim may grow its storage request (expansion) but not shrink below what is provisioned.
function validateClaimUpdate(pvc: any, old: any): FieldError[] {
  const errs: FieldError[] = [];
  const next = structuredClone(pvc.spec ?? {});
  const prev = structuredClone(old.spec ?? {});
  if (!prev.volumeName) copyField(next, prev, 'volumeName');
  if (pvc.status?.phase === 'Bound') {
    if (next.resources?.requests) copyField(prev.resources?.requests ?? {}, next.resources.requests, 'storage');
    copyField(prev, next, 'volumeAttributesClassName');
  }
  if (!isDeepStrictEqual(next, prev)) {
    errs.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const newSize = parseQuantity(pvc.spec?.resources?.requests?.storage) ?? 0;
  const oldSize = parseQuantity(old.spec?.resources?.requests?.storage) ?? 0;
  const provisioned = parseQuantity(old.status?.capacity?.storage) ?? 0;
  if (newSize < oldSize && newSize <= provisioned) {
    errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  }
  if (pvc.spec?.volumeMode !== old.spec?.volumeMode) errs.push(immutable('volumeMode', pvc.spec?.volumeMode ?? null));
  return errs;
}

// to[key] = from[key], absent when absent (so deep equality does not see an undefined key).
function copyField(from: any, to: any, key: string): void {
  if (from[key] === undefined) delete to[key];
  else to[key] = from[key];
}
