// apps/v1 Deployment: printer columns, SetDefaults_Deployment and ValidateDeployment.

import type { FieldError } from '../../../apiserver/errors.ts';
import { forbidden, invalidValue, required, validateNonnegative, type LabelSelector } from '../../validation.ts';
import { defaultPodTemplateSpec, validatePodTemplateSpec } from '../core/podSpec.ts';
import { ageColumn, formatLabelSelector } from '../core/format.ts';
import { goIntOrString, goLabelSelector, goStrategy, invalidGo, unsupportedGo } from '../goValues.ts';
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from '../intOrPercent.ts';
import type { KindDeclaration } from '../../kind.ts';
import { containersColumn, imagesColumn, validateLongRunningTemplate, validateSelector, validateSelectorUnchanged, validateTemplateSelected } from './workload.ts';

export const deployment: KindDeclaration = {
  group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', singular: 'deployment', namespaced: true,
  shortNames: ['deploy'], categories: ['all'], generation: true, annotationsBumpGeneration: true,
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
  columns: [
    { name: 'Ready', type: 'string', description: 'Ready pods out of the desired replicas.', cell: (d) => `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}` },
    { name: 'Up-to-date', type: 'string', description: 'Pods running the current template.', cell: (d) => d.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'string', description: 'Pods available to serve.', cell: (d) => d.status?.availableReplicas ?? 0 },
    ageColumn,
    containersColumn,
    imagesColumn,
    { name: 'Selector', type: 'string', priority: 1, description: 'Label selector of the pods this deployment manages.', cell: (d) => selectorString(d.spec?.selector) },
  ],
  defaults: defaultDeployment,
  validate: validateDeployment,
};

// The deployment printer uses selector.String(): blank when empty, "<invalid>" when malformed.
function selectorString(selector: LabelSelector | undefined): string {
  const formatted = formatLabelSelector(selector);
  if (formatted === '<none>') return '';
  return formatted === '<error>' ? '<invalid>' : formatted;
}

export function defaultDeployment(d: any): void {
  const spec = (d.spec ??= {});
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = (strategy.rollingUpdate ??= {});
    rollingUpdate.maxUnavailable ??= '25%';
    rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplateSpec((spec.template ??= {}));
}

export function validateDeployment(d: any, old?: any): FieldError[] {
  const spec = d.spec ?? {};
  const errs: FieldError[] = [...validateNonnegative(spec.replicas, 'spec.replicas')];
  const selector = validateSelector(spec.selector, 'deployment');
  errs.push(...selector.errors);
  if (!selector.wellFormed) errs.push(invalidGo('spec.selector', goLabelSelector(spec.selector), 'invalid label selector'));
  else errs.push(...validateReplicaSetTemplate(spec, 'ReplicaSet'));
  errs.push(...validateStrategy(spec.strategy ?? {}));
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (spec.progressDeadlineSeconds !== undefined) {
    errs.push(...validateNonnegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(invalidValue('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  if (old) errs.push(...validateSelectorUnchanged(spec.selector, old.spec?.selector));
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet: selected by the selector, a valid long-running pod. */
export function validateReplicaSetTemplate(spec: any, kind: string): FieldError[] {
  if (!spec.template) return [required('spec.template', '')];
  return [
    ...validateTemplateSelected(spec.selector, 'spec.template', spec.template.metadata?.labels),
    ...validatePodTemplateSpec(spec.template, 'spec.template'),
    ...validateLongRunningTemplate(spec.template, 'spec.template', kind),
  ];
}

function validateStrategy(strategy: any): FieldError[] {
  const path = 'spec.strategy';
  switch (strategy.type) {
    case 'Recreate':
      return strategy.rollingUpdate ? [forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate':
      return strategy.rollingUpdate ? validateRollingUpdate(strategy.rollingUpdate, `${path}.rollingUpdate`) : [required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
    default:
      return [unsupportedGo(path, goStrategy('DeploymentStrategy', strategy.type, 'RollingUpdateDeployment', strategy.rollingUpdate), ['Recreate', 'RollingUpdate'])];
  }
}

function validateRollingUpdate(rollingUpdate: any, path: string): FieldError[] {
  const { maxUnavailable, maxSurge } = rollingUpdate;
  const errs = [
    ...validatePositiveIntOrPercent(maxUnavailable, `${path}.maxUnavailable`),
    ...validatePositiveIntOrPercent(maxSurge, `${path}.maxSurge`),
  ];
  if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0) {
    errs.push(invalidGo(`${path}.maxUnavailable`, goIntOrString(maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...isNotMoreThan100Percent(maxUnavailable, `${path}.maxUnavailable`));
  return errs;
}
