// apps/v1 StatefulSet: printer columns, SetDefaults_StatefulSet and ValidateStatefulSet.
// Names are DNS labels (they prefix pod hostnames). As upstream, the pod template's spec
// is not validated beyond its labels and the long-running rules.

import type { FieldError } from '../../../apiserver/errors.ts';
import { dns1123Label, forbidden, invalidValue, required, unsupported, validateAnnotations, validateLabels, validateNonnegative } from '../../validation.ts';
import { defaultPodTemplateSpec } from '../core/podSpec.ts';
import { ageColumn } from '../core/format.ts';
import { defaultPersistentVolumeClaimSpec } from '../core/persistentVolumeClaim.ts';
import { goIntOrString, goLabelSelector, goStrategy, invalidGo } from '../goValues.ts';
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from '../intOrPercent.ts';
import { semanticEqual } from '../semanticEqual.ts';
import type { KindDeclaration } from '../../kind.ts';
import { containersColumn, imagesColumn, validateLongRunningTemplate, validateSelector, validateTemplateSelected } from './workload.ts';

export const statefulSet: KindDeclaration = {
  group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', singular: 'statefulset', namespaced: true,
  shortNames: ['sts'], categories: ['all'], generation: true,
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
  nameValidator: dns1123Label,
  columns: [
    { name: 'Ready', type: 'string', description: 'Ready pods out of the desired replicas.', cell: (s) => `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 0}` },
    ageColumn,
    containersColumn,
    imagesColumn,
  ],
  defaults: defaultStatefulSet,
  validate: validateStatefulSet,
};

export function defaultStatefulSet(s: any): void {
  const spec = (s.spec ??= {});
  spec.podManagementPolicy ||= 'OrderedReady';
  const strategy = (spec.updateStrategy ??= {});
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    strategy.rollingUpdate ??= {};
  }
  if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate) strategy.rollingUpdate.partition ??= 0;
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  retention.whenDeleted ||= 'Retain';
  retention.whenScaled ||= 'Retain';
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplateSpec((spec.template ??= {}));
  // The claim templates get a claim's defaults (SetDefaults_PersistentVolumeClaim and its spec).
  for (const claim of spec.volumeClaimTemplates ?? []) {
    defaultPersistentVolumeClaimSpec((claim.spec ??= {}));
    (claim.status ??= {}).phase ||= 'Pending';
  }
}

export function validateStatefulSet(s: any, old?: any): FieldError[] {
  const spec = s.spec ?? {};
  const errs: FieldError[] = [];
  const policy = spec.podManagementPolicy;
  if (!policy) errs.push(required('spec.podManagementPolicy', ''));
  else if (policy !== 'OrderedReady' && policy !== 'Parallel') errs.push(invalidValue('spec.podManagementPolicy', policy, "must be 'OrderedReady' or 'Parallel'"));
  errs.push(...validateUpdateStrategy(spec.updateStrategy ?? {}));
  for (const when of ['whenDeleted', 'whenScaled']) {
    const value = spec.persistentVolumeClaimRetentionPolicy?.[when];
    if (spec.persistentVolumeClaimRetentionPolicy && value !== 'Retain' && value !== 'Delete') {
      errs.push(unsupported(`spec.persistentVolumeClaimRetentionPolicy.${when}`, value ?? '', ['Retain', 'Delete']));
    }
  }
  errs.push(...validateNonnegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonnegative(spec.ordinals?.start, 'spec.ordinals.start'));
  const selector = validateSelector(spec.selector, 'statefulset');
  errs.push(...selector.errors);
  if (!selector.wellFormed) errs.push(invalidGo('spec.selector', goLabelSelector(spec.selector)));
  else if (!spec.template) errs.push(required('spec.template', ''));
  else {
    errs.push(...validateTemplateSelected(spec.selector, 'spec.template', spec.template.metadata?.labels));
    errs.push(...validateLabels(spec.template.metadata?.labels, 'spec.template.labels'));
    errs.push(...validateAnnotations(spec.template.metadata?.annotations, 'spec.template.annotations'));
  }
  errs.push(...validateLongRunningTemplate(spec.template, 'spec.template', 'StatefulSet'));
  if (old) errs.push(...validateStatefulSetUpdate(spec, old.spec ?? {}));
  return errs;
}

function validateUpdateStrategy(strategy: any): FieldError[] {
  const path = 'spec.updateStrategy';
  switch (strategy.type) {
    case undefined:
    case '':
      return [required(path, '')];
    case 'OnDelete':
      return strategy.rollingUpdate ? [invalidGo(`${path}.rollingUpdate`, goRollingUpdate(strategy.rollingUpdate), "only allowed for updateStrategy 'RollingUpdate'")] : [];
    case 'RollingUpdate':
      return strategy.rollingUpdate ? validateRollingUpdate(strategy.rollingUpdate, `${path}.rollingUpdate`) : [];
    default:
      return [invalidGo(path, goStrategy('StatefulSetUpdateStrategy', strategy.type, 'RollingUpdateStatefulSetStrategy', strategy.rollingUpdate), "must be 'RollingUpdate' or 'OnDelete'")];
  }
}

function validateRollingUpdate(rollingUpdate: any, path: string): FieldError[] {
  const errs = validateNonnegative(rollingUpdate.partition, `${path}.partition`);
  const maxUnavailable = rollingUpdate.maxUnavailable;
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    errs.push(...validatePositiveIntOrPercent(maxUnavailable, `${path}.maxUnavailable`));
    if (intOrPercentValue(maxUnavailable) === 0) errs.push(invalidGo(`${path}.maxUnavailable`, goIntOrString(maxUnavailable), 'cannot be 0'));
    errs.push(...isNotMoreThan100Percent(maxUnavailable, `${path}.maxUnavailable`));
  }
  return errs;
}

function goRollingUpdate(rollingUpdate: any): string {
  const maxUnavailable = rollingUpdate.maxUnavailable === undefined ? 'nil' : '0xc000a1b2d0';
  return `apps.RollingUpdateStatefulSetStrategy{Partition:${rollingUpdate.partition ?? 0}, MaxUnavailable:(*intstr.IntOrString)(${maxUnavailable})}`;
}

// Only these spec fields may change after creation.
const mutableSpecFields = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

function validateStatefulSetUpdate(spec: any, oldSpec: any): FieldError[] {
  const rest = (s: any) => Object.fromEntries(Object.entries(s).filter(([k]) => !mutableSpecFields.includes(k)));
  if (semanticEqual(rest(spec), rest(oldSpec))) return [];
  return [forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")];
}
