// storage.k8s.io/v1 StorageClass: printer columns (the default class marked in NAME),
// SetDefaults_StorageClass and ValidateStorageClass(Update).

import type { FieldError } from '../../../apiserver/errors.ts';
import { duplicate, forbidden, immutable, invalidEach, invalidValue, qualifiedName, qualifiedNameErrors, required, tooLong, unsupported } from '../../validation.ts';
import { ageColumn } from '../core/format.ts';
import { semanticEqual } from '../semanticEqual.ts';
import type { KindDeclaration } from '../../kind.ts';

const defaultClassAnnotations = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

export const storageClass: KindDeclaration = {
  group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass', plural: 'storageclasses', singular: 'storageclass', namespaced: false, shortNames: ['sc'],
  columns: [
    { name: 'Name', type: 'string', format: 'name', description: 'The class name, marked "(default)" for the default class.', cell: nameCell },
    { name: 'Provisioner', type: 'string', description: 'The volume plugin that provisions volumes of this class.', cell: (sc) => sc.provisioner ?? '' },
    { name: 'ReclaimPolicy', type: 'string', description: 'What happens to released volumes.', cell: (sc) => sc.reclaimPolicy ?? 'Delete' },
    { name: 'VolumeBindingMode', type: 'string', description: 'When volumes are bound and provisioned.', cell: (sc) => sc.volumeBindingMode ?? 'Immediate' },
    { name: 'AllowVolumeExpansion', type: 'string', description: 'Whether volumes may grow.', cell: (sc) => sc.allowVolumeExpansion ?? false },
    ageColumn,
  ],
  defaults: (sc) => {
    sc.reclaimPolicy ??= 'Delete';
    sc.volumeBindingMode ??= 'Immediate';
  },
  validate: validateStorageClass,
};

function nameCell(sc: any): string {
  const annotations = sc.metadata?.annotations ?? {};
  const isDefault = defaultClassAnnotations.some((key) => annotations[key] === 'true');
  return isDefault ? `${sc.metadata?.name} (default)` : sc.metadata?.name;
}

const maxParameters = 512;
const maxParametersSize = 256 * 1024;
const reclaimPolicies = ['Delete', 'Retain'];
const bindingModes = ['Immediate', 'WaitForFirstConsumer'];

export function validateStorageClass(sc: any, old?: any): FieldError[] {
  const errs: FieldError[] = [];
  if (!sc.provisioner) errs.push(required('provisioner', ''));
  else errs.push(...invalidEach('provisioner', sc.provisioner.toLowerCase(), qualifiedNameErrors(sc.provisioner.toLowerCase())));
  errs.push(...validateParameters(sc.parameters ?? {}));
  if (sc.reclaimPolicy && !reclaimPolicies.includes(sc.reclaimPolicy)) errs.push(unsupported('reclaimPolicy', sc.reclaimPolicy, reclaimPolicies));
  if (sc.volumeBindingMode == null) errs.push(required('volumeBindingMode', ''));
  else if (!bindingModes.includes(sc.volumeBindingMode)) errs.push(unsupported('volumeBindingMode', sc.volumeBindingMode, bindingModes));
  (sc.allowedTopologies ?? []).forEach((term: any, i: number) => {
    const keys = new Set<string>();
    (term.matchLabelExpressions ?? []).forEach((req: any, j: number) => {
      const at = `allowedTopologies[${i}].matchLabelExpressions[${j}]`;
      if (!req.values?.length) errs.push(required(`${at}.values`, 'must specify as least one value'));
      errs.push(...qualifiedName(req.key ?? '', `${at}.key`));
      if (keys.has(req.key)) errs.push(duplicate(`${at}.key`, req.key));
      keys.add(req.key);
    });
  });
  if (old) {
    if (!semanticEqual(sc.parameters, old.parameters)) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
    if (sc.provisioner !== old.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
    if (sc.reclaimPolicy !== old.reclaimPolicy) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
    if (sc.volumeBindingMode !== old.volumeBindingMode) errs.push(immutable('volumeBindingMode', sc.volumeBindingMode ?? null));
  }
  return errs;
}

function validateParameters(parameters: Record<string, string>): FieldError[] {
  const entries = Object.entries(parameters);
  if (entries.length > maxParameters) return [tooLong('parameters', maxParameters)];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [key, value] of entries) {
    if (key.length < 1) errs.push(invalidValue('parameters', key, 'field can not be empty.'));
    size += key.length + String(value).length;
  }
  if (size > maxParametersSize) errs.push(tooLong('parameters', maxParametersSize));
  return errs;
}
