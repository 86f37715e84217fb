// Pod volumes: upstream's defaults (an empty source becomes emptyDir, file modes 0644 ...)
// and validation (names, exactly one source, each source's own rules).

import type { FieldError } from '../../../apiserver/errors.ts';
import { dns1123Label, duplicate, forbidden, invalidValue, required, unsupported } from '../../validation.ts';
import { validateFieldRef, validateLocalDescendingPath, validatePathNoBacksteps, validateResourceFieldRef } from './containers.ts';
import { parseQuantity } from './quantity.ts';
import { defaultPersistentVolumeClaimSpec, validatePersistentVolumeClaimSpec } from './persistentVolumeClaim.ts';

/** Every source a Volume may name, in the order upstream checks them (the first one counts). */
export const volumeSources = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs', 'flocker',
  'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap', 'azureFile',
  'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO', 'csi', 'ephemeral', 'image',
] as const;

const defaultMode = 0o644;

export function defaultVolume(v: any): void {
  if (!volumeSources.some((s) => v[s] !== undefined && v[s] !== null)) v.emptyDir = {};
  if (v.secret) v.secret.defaultMode ??= defaultMode;
  if (v.configMap) v.configMap.defaultMode ??= defaultMode;
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= defaultMode;
    for (const item of v.downwardAPI.items ?? []) defaultDownwardItem(item);
  }
  if (v.projected) {
    v.projected.defaultMode ??= defaultMode;
    for (const source of v.projected.sources ?? []) {
      if (source.serviceAccountToken) source.serviceAccountToken.expirationSeconds ??= 3600;
      for (const item of source.downwardAPI?.items ?? []) defaultDownwardItem(item);
    }
  }
  if (v.hostPath) v.hostPath.type ??= '';
  if (v.iscsi) v.iscsi.iscsiInterface ||= 'default';
  if (v.rbd) {
    v.rbd.pool ||= 'rbd';
    v.rbd.user ||= 'admin';
    v.rbd.keyring ||= '/etc/ceph/keyring';
  }
  if (v.azureDisk) {
    v.azureDisk.cachingMode ??= 'ReadWrite';
    v.azureDisk.kind ??= 'Shared';
    v.azureDisk.fsType ??= 'ext4';
    v.azureDisk.readOnly ??= false;
  }
  if (v.scaleIO) {
    v.scaleIO.storageMode ||= 'ThinProvisioned';
    v.scaleIO.fsType ||= 'xfs';
  }
  if (v.ephemeral?.volumeClaimTemplate?.spec) defaultPersistentVolumeClaimSpec(v.ephemeral.volumeClaimTemplate.spec);
}

function defaultDownwardItem(item: any): void {
  if (item.fieldRef) item.fieldRef.apiVersion ??= 'v1';
  if (item.resourceFieldRef) item.resourceFieldRef.divisor ??= '0';
}

/**
 * Validates spec.volumes; returns the volumes that validated cleanly by name, which is what
 * container volume mounts may refer to (as upstream, a broken volume is not mountable).
 */
export function validateVolumes(volumes: any[] | undefined, path: string): { volumes: Map<string, any>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const valid = new Map<string, any>();
  const names = new Set<string>();
  (volumes ?? []).forEach((v, i) => {
    const at = `${path}[${i}]`;
    const errs = validateVolumeSource(v, at);
    if (!v.name) errs.push(required(`${at}.name`, ''));
    else errs.push(...dns1123Label(v.name, `${at}.name`));
    if (names.has(v.name)) errs.push(duplicate(`${at}.name`, v.name));
    names.add(v.name);
    if (errs.length === 0) valid.set(v.name, v);
    else errors.push(...errs);
  });
  return { volumes: valid, errors };
}

// Upstream's paths for a second source: a few differ from the field name.
const forbiddenPathOf: Partial<Record<string, string>> = { downwardAPI: 'downwarAPI', cephfs: 'cephFS' };

function validateVolumeSource(v: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const present = volumeSources.filter((s) => v[s] !== undefined && v[s] !== null);
  if (present.length === 0) return [required(path, 'must specify a volume type')];
  for (const extra of present.slice(1)) errs.push(forbidden(`${path}.${forbiddenPathOf[extra] ?? extra}`, 'may not specify more than 1 volume type'));
  const source = present[0];
  const check = sourceValidators[source];
  if (check) errs.push(...check(v[source], `${path}.${source}`));
  return errs;
}

const hostPathTypes = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const fileModeError = 'must be a number between 0 and 0777 (octal), both inclusive';

const sourceValidators: Partial<Record<(typeof volumeSources)[number], (source: any, path: string) => FieldError[]>> = {
  emptyDir: (s, path) => {
    const size = s.sizeLimit === undefined ? undefined : parseQuantity(s.sizeLimit);
    return size !== undefined && size < 0 ? [forbidden(`${path}.sizeLimit`, 'SizeLimit field must be a valid resource quantity')] : [];
  },
  hostPath: (s, path) => {
    if (!s.path) return [required(`${path}.path`, '')];
    const errs = validatePathNoBacksteps(s.path, `${path}.path`);
    if (s.type !== undefined && !hostPathTypes.includes(s.type)) errs.push(unsupported(`${path}.type`, s.type, hostPathTypes));
    return errs;
  },
  gitRepo: (s, path) => [...(s.repository ? [] : [required(`${path}.repository`, '')]), ...validateLocalDescendingPath(s.directory ?? '', `${path}.directory`)],
  secret: (s, path) => [...(s.secretName ? [] : [required(`${path}.secretName`, '')]), ...validateMode(s.defaultMode, `${path}.defaultMode`), ...validateItems(s.items, `${path}.items`)],
  configMap: (s, path) => [...(s.name ? [] : [required(`${path}.name`, '')]), ...validateMode(s.defaultMode, `${path}.defaultMode`), ...validateItems(s.items, `${path}.items`)],
  persistentVolumeClaim: (s, path) => (s.claimName ? [] : [required(`${path}.claimName`, '')]),
  nfs: (s, path) => {
    const errs: FieldError[] = [];
    if (!s.server) errs.push(required(`${path}.server`, ''));
    if (!s.path) errs.push(required(`${path}.path`, ''));
    if (!String(s.path ?? '').startsWith('/')) errs.push(invalidValue(`${path}.path`, s.path ?? '', 'must be an absolute path'));
    return errs;
  },
  downwardAPI: (s, path) => [...validateMode(s.defaultMode, `${path}.defaultMode`), ...(s.items ?? []).flatMap((item: any) => validateDownwardFile(item, path))],
  projected: (s, path) => validateProjected(s, path),
  csi: (s, path) => (s.driver ? [] : [required(`${path}.driver`, '')]),
  ephemeral: (s, path) => {
    if (!s.volumeClaimTemplate) return [required(`${path}.volumeClaimTemplate`, '')];
    return validatePersistentVolumeClaimSpec(s.volumeClaimTemplate.spec ?? {}, `${path}.volumeClaimTemplate.spec`);
  },
};

function validateMode(mode: number | undefined, path: string): FieldError[] {
  return mode !== undefined && (mode < 0 || mode > 0o777) ? [invalidValue(path, mode, fileModeError)] : [];
}

function validateItems(items: any[] | undefined, path: string): FieldError[] {
  return (items ?? []).flatMap((kp, i) => validateKeyToPath(kp, `${path}[${i}]`));
}

function validateKeyToPath(kp: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!kp.key) errs.push(required(`${path}.key`, ''));
  if (!kp.path) errs.push(required(`${path}.path`, ''));
  errs.push(...validateLocalNonReservedPath(kp.path ?? '', `${path}.path`), ...validateMode(kp.mode, `${path}.mode`));
  return errs;
}

// Files in a volume may not start with '..' (the atomic writer uses those names).
function validateLocalNonReservedPath(p: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(p, path);
  if (p.startsWith('..')) errs.push(invalidValue(path, p, "must not start with '..'"));
  return errs;
}

const volumeFieldPaths = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];

// Upstream reports these at the volume source, not the item.
function validateDownwardFile(file: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!file.path) errs.push(required(`${path}.path`, ''));
  errs.push(...validateLocalNonReservedPath(file.path ?? '', `${path}.path`));
  if (file.fieldRef) {
    errs.push(...validateFieldRef(file.fieldRef, volumeFieldPaths, `${path}.fieldRef`));
    if (file.resourceFieldRef) errs.push(invalidValue(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (file.resourceFieldRef) {
    errs.push(...validateResourceFieldRef(file.resourceFieldRef, `${path}.resourceFieldRef`, true));
  } else {
    errs.push(required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateMode(file.mode, `${path}.mode`));
  return errs;
}

const projectionKinds = ['secret', 'configMap', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle'];

function validateProjected(s: any, path: string): FieldError[] {
  const errs = validateMode(s.defaultMode, `${path}.defaultMode`);
  const paths = new Set<string>();
  (s.sources ?? []).forEach((source: any, i: number) => {
    const at = `${path}.sources[${i}]`;
    const kinds = projectionKinds.filter((k) => source[k]);
    if (kinds.length > 1) errs.push(forbidden(at, 'may not specify more than 1 volume type per source'));
    for (const kind of ['secret', 'configMap']) {
      const src = source[kind];
      if (!src) continue;
      if (!src.name) errs.push(required(`${at}.${kind}.name`, ''));
      (src.items ?? []).forEach((kp: any, j: number) => {
        errs.push(...validateKeyToPath(kp, `${at}.${kind}.items[${j}]`));
        if (kp.path && paths.has(kp.path)) errs.push(invalidValue(path, src.name ?? '', 'conflicting duplicate paths'));
        if (kp.path) paths.add(kp.path);
      });
    }
    for (const file of source.downwardAPI?.items ?? []) errs.push(...validateDownwardFile(file, `${at}.downwardAPI`));
    const token = source.serviceAccountToken;
    if (token) {
      const tokenPath = `${at}.serviceAccountToken`;
      if (token.expirationSeconds < 600) errs.push(invalidValue(`${tokenPath}.expirationSeconds`, token.expirationSeconds, 'may not specify a duration less than 10 minutes'));
      if (token.expirationSeconds > 2 ** 32) errs.push(invalidValue(`${tokenPath}.expirationSeconds`, token.expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
      if (!token.path) errs.push(required(`${tokenPath}.path`, ''));
      else errs.push(...validateLocalNonReservedPath(token.path, `${tokenPath}.path`));
    }
  });
  return errs;
}
