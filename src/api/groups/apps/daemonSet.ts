// apps/v1 DaemonSet: printer columns, SetDefaults_DaemonSet, ValidateDaemonSet, and the
// template generation upstream keeps (in apps/v1 it lives in an annotation).

import type { FieldError } from '../../../apiserver/errors.ts';
import { required, validateNonnegative } from '../../validation.ts';
import { defaultPodTemplateSpec, validatePodTemplateSpec } from '../core/podSpec.ts';
import { ageColumn, formatLabels } from '../core/format.ts';
import { goIntOrString, goStrategy, invalidGo, unsupportedGo } from '../goValues.ts';
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from '../intOrPercent.ts';
import { semanticEqual } from '../semanticEqual.ts';
import type { KindDeclaration } from '../../kind.ts';
import { containersColumn, imagesColumn, selectorColumn, validateLongRunningTemplate, validateSelector, validateSelectorUnchanged, validateTemplateSelected } from './workload.ts';

/** The annotation apps/v1 carries the internal spec.templateGeneration in. */
export const templateGenerationAnnotation = 'deprecated.daemonset.template.generation';

export const daemonSet: KindDeclaration = {
  group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', singular: 'daemonset', namespaced: true,
  shortNames: ['ds'], categories: ['all'], generation: true, subresources: { status: true },
  columns: [
    { name: 'Desired', type: 'integer', description: 'Nodes that should run the daemon pod.', cell: (ds) => ds.status?.desiredNumberScheduled ?? 0 },
    { name: 'Current', type: 'integer', description: 'Nodes running at least one daemon pod.', cell: (ds) => ds.status?.currentNumberScheduled ?? 0 },
    { name: 'Ready', type: 'integer', description: 'Nodes with a ready daemon pod.', cell: (ds) => ds.status?.numberReady ?? 0 },
    { name: 'Up-to-date', type: 'integer', description: 'Nodes running the current template.', cell: (ds) => ds.status?.updatedNumberScheduled ?? 0 },
    { name: 'Available', type: 'integer', description: 'Nodes with an available daemon pod.', cell: (ds) => ds.status?.numberAvailable ?? 0 },
    { name: 'Node Selector', type: 'string', description: 'The node selector of the pod template.', cell: (ds) => formatLabels(ds.spec?.template?.spec?.nodeSelector) },
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  defaults: defaultDaemonSet,
  validate: validateDaemonSet,
  prepareForCreate: (ds) => {
    if (templateGeneration(ds) < 1) setTemplateGeneration(ds, 1);
  },
  // Clients may not set it: it follows the stored value, one up when the template changed.
  prepareForUpdate: (ds, old) => {
    const changed = !semanticEqual(ds.spec?.template, old.spec?.template);
    setTemplateGeneration(ds, templateGeneration(old) + (changed ? 1 : 0));
  },
};

export function defaultDaemonSet(ds: any): void {
  const spec = (ds.spec ??= {});
  const strategy = (spec.updateStrategy ??= {});
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = (strategy.rollingUpdate ??= {});
    rollingUpdate.maxUnavailable ??= 1;
    rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplateSpec((spec.template ??= {}));
}

export function validateDaemonSet(ds: any, old?: any): FieldError[] {
  const spec = ds.spec ?? {};
  const selector = validateSelector(spec.selector, 'daemonset', true);
  const errs = [...selector.errors];
  if (selector.wellFormed) errs.push(...validateTemplateSelected(spec.selector, 'spec.template', spec.template?.metadata?.labels));
  errs.push(...validatePodTemplateSpec(spec.template, 'spec.template'));
  errs.push(...validateLongRunningTemplate(spec.template, 'spec.template', 'DaemonSet'));
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateUpdateStrategy(spec.updateStrategy ?? {}));
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (old) errs.push(...validateSelectorUnchanged(spec.selector, old.spec?.selector));
  return errs;
}

function validateUpdateStrategy(strategy: any): FieldError[] {
  const path = 'spec.updateStrategy';
  if (strategy.type === 'OnDelete') return [];
  if (strategy.type !== 'RollingUpdate') {
    return [unsupportedGo(path, goStrategy('DaemonSetUpdateStrategy', strategy.type, 'RollingUpdateDaemonSet', strategy.rollingUpdate), ['RollingUpdate', 'OnDelete'])];
  }
  if (!strategy.rollingUpdate) return [required(`${path}.rollingUpdate`, '')];
  const at = `${path}.rollingUpdate`;
  const { maxUnavailable, maxSurge } = strategy.rollingUpdate;
  const errs = [
    ...validatePositiveIntOrPercent(maxUnavailable, `${at}.maxUnavailable`),
    ...validatePositiveIntOrPercent(maxSurge, `${at}.maxSurge`),
    ...isNotMoreThan100Percent(maxUnavailable, `${at}.maxUnavailable`),
    ...isNotMoreThan100Percent(maxSurge, `${at}.maxSurge`),
  ];
  // Exactly one of the two is non-zero.
  const hasUnavailable = intOrPercentValue(maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(maxSurge) !== 0;
  if (hasUnavailable && hasSurge) errs.push(invalidGo(`${at}.maxSurge`, goIntOrString(maxSurge), 'may not be set when maxUnavailable is non-zero'));
  if (!hasUnavailable && !hasSurge) errs.push(required(`${at}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
  return errs;
}

function templateGeneration(ds: any): number {
  const value = Number(ds.metadata?.annotations?.[templateGenerationAnnotation]);
  return Number.isInteger(value) ? value : 0;
}

function setTemplateGeneration(ds: any, generation: number): void {
  ((ds.metadata ??= {}).annotations ??= {})[templateGenerationAnnotation] = String(generation);
}
