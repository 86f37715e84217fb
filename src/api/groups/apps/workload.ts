// What the workload kinds (Deployment, ReplicaSet, StatefulSet, DaemonSet) share: the
// wide template columns, the selector rules, and the checks on the pod template.

import type { FieldError } from '../../../apiserver/errors.ts';
import type { Column } from '../../kind.ts';
import { forbidden, required, selectorMatches, unsupported, validateLabelSelector, type LabelSelector } from '../../validation.ts';
import { containerCells, formatLabelSelector } from '../core/format.ts';
import { goLabelSelector, goStringMap, invalidGo } from '../goValues.ts';
import { semanticEqual } from '../semanticEqual.ts';

export const containersColumn: Column = {
  name: 'Containers', type: 'string', priority: 1, description: 'Names of the containers in the pod template.',
  cell: (o) => containerCells(o.spec?.template?.spec?.containers).names,
};

export const imagesColumn: Column = {
  name: 'Images', type: 'string', priority: 1, description: 'Images of the containers in the pod template.',
  cell: (o) => containerCells(o.spec?.template?.spec?.containers).images,
};

export const selectorColumn: Column = {
  name: 'Selector', type: 'string', priority: 1, description: 'Label selector of the pods this object manages.',
  cell: (o) => formatLabelSelector(o.spec?.selector),
};

export interface SelectorCheck {
  errors: FieldError[];
  /** Upstream could turn it into a labels.Selector (absent counts: it selects nothing). */
  wellFormed: boolean;
}

/** spec.selector: required (unless `optional`), well formed, and not empty. */
export function validateSelector(selector: LabelSelector | undefined, kindWord: string, optional = false): SelectorCheck {
  if (!selector) return { errors: optional ? [] : [required('spec.selector', '')], wellFormed: true };
  const errors = validateLabelSelector(selector, 'spec.selector');
  const wellFormed = errors.length === 0;
  if (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0) {
    errors.push(invalidGo('spec.selector', goLabelSelector(selector), `empty selector is invalid for ${kindWord}`));
  }
  return { errors, wellFormed };
}

/** The template's labels must be selected: an absent selector selects nothing, an empty one everything. */
export function validateTemplateSelected(selector: LabelSelector | undefined, templatePath: string, labels: Record<string, string> | undefined): FieldError[] {
  const empty = selector && Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0;
  if (empty || (selector && selectorMatches(selector, labels))) return [];
  return [invalidGo(`${templatePath}.metadata.labels`, goStringMap(labels), '`selector` does not match template `labels`')];
}

/** Long-running pods only: restartPolicy Always, no activeDeadlineSeconds. */
export function validateLongRunningTemplate(template: any, templatePath: string, kind: string): FieldError[] {
  const spec = template?.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.restartPolicy !== 'Always') errs.push(unsupported(`${templatePath}.spec.restartPolicy`, spec.restartPolicy ?? '', ['Always']));
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(`${templatePath}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

/** Update: the selector may not change (apps/v1). */
export function validateSelectorUnchanged(selector: LabelSelector | undefined, old: LabelSelector | undefined): FieldError[] {
  return semanticEqual(selector, old) ? [] : [invalidGo('spec.selector', goLabelSelector(selector), 'field is immutable')];
}
