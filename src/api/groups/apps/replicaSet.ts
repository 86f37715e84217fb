// apps/v1 ReplicaSet: printer columns, the status.replicas field selector, defaults and
// ValidateReplicaSet.

import type { FieldError } from '../../../apiserver/errors.ts';
import { validateNonnegative } from '../../validation.ts';
import { defaultPodTemplateSpec } from '../core/podSpec.ts';
import { ageColumn } from '../core/format.ts';
import { goLabelSelector, invalidGo } from '../goValues.ts';
import type { KindDeclaration } from '../../kind.ts';
import { validateReplicaSetTemplate } from './deployment.ts';
import { containersColumn, imagesColumn, selectorColumn, validateSelector, validateSelectorUnchanged } from './workload.ts';

export const replicaSet: KindDeclaration = {
  group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', singular: 'replicaset', namespaced: true,
  shortNames: ['rs'], categories: ['all'], generation: true,
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
  columns: [
    { name: 'Desired', type: 'integer', description: 'Replicas wanted.', cell: (rs) => rs.spec?.replicas ?? 0 },
    { name: 'Current', type: 'integer', description: 'Replicas created.', cell: (rs) => rs.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', description: 'Replicas ready.', cell: (rs) => rs.status?.readyReplicas ?? 0 },
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  fieldSelectors: { 'status.replicas': (rs) => String(rs.status?.replicas ?? 0) },
  defaults: defaultReplicaSet,
  validate: validateReplicaSet,
};

export function defaultReplicaSet(rs: any): void {
  const spec = (rs.spec ??= {});
  spec.replicas ??= 1;
  defaultPodTemplateSpec((spec.template ??= {}));
}

export function validateReplicaSet(rs: any, old?: any): FieldError[] {
  const spec = rs.spec ?? {};
  const errs = [...validateNonnegative(spec.replicas, 'spec.replicas'), ...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds')];
  // Upstream says "deployment" here too.
  const selector = validateSelector(spec.selector, 'deployment');
  errs.push(...selector.errors);
  if (!selector.wellFormed) errs.push(invalidGo('spec.selector', goLabelSelector(spec.selector), 'invalid label selector'));
  else errs.push(...validateReplicaSetTemplate(spec, 'ReplicaSet'));
  if (old) errs.push(...validateSelectorUnchanged(spec.selector, old.spec?.selector));
  return errs;
}
