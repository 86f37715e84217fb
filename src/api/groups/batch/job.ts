// batch/v1 Job: printer columns, the status.successful field selector, SetDefaults_Job,
// the selector the registry generates on create, and ValidateJob/ValidateJobUpdate.

import type { FieldError } from '../../../apiserver/errors.ts';
import {
  dns1123LabelErrors,
  duplicate,
  immutable,
  invalidDetail,
  invalidValue,
  qualifiedName,
  required,
  selectorMatches,
  tooLong,
  tooMany,
  unsupported,
  validateLabelSelector,
  validateNonnegative,
} from '../../validation.ts';
import { humanDuration, since } from '../../age.ts';
import { defaultPodTemplateSpec, validatePodTemplateSpec } from '../core/podSpec.ts';
import { ageColumn, containerCells, formatLabelSelector } from '../core/format.ts';
import { validateDomainPrefixedPath } from '../domainPrefixedPath.ts';
import { goLabelSelector, goStringMap, invalidGo } from '../goValues.ts';
import { semanticEqual } from '../semanticEqual.ts';
import type { KindDeclaration } from '../../kind.ts';

/** The labels the registry puts on a Job's pods (and selects them by). */
export const jobLabels = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
};

export const job: KindDeclaration = {
  group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', singular: 'job', namespaced: true,
  categories: ['all'], generation: true, subresources: { status: true },
  columns: [
    { name: 'Status', type: 'string', description: 'Whether the job is running, complete, failed or suspended.', cell: jobStatus },
    { name: 'Completions', type: 'string', description: 'Succeeded pods out of the completions wanted.', cell: completions },
    { name: 'Duration', type: 'string', description: 'How long the job ran, or has been running.', cell: duration },
    ageColumn,
    { name: 'Containers', type: 'string', priority: 1, description: 'Names of the containers in the pod template.', cell: (j) => containerCells(j.spec?.template?.spec?.containers).names },
    { name: 'Images', type: 'string', priority: 1, description: 'Images of the containers in the pod template.', cell: (j) => containerCells(j.spec?.template?.spec?.containers).images },
    { name: 'Selector', type: 'string', priority: 1, description: 'Label selector of the pods this job manages.', cell: (j) => formatLabelSelector(j.spec?.selector) },
  ],
  fieldSelectors: { 'status.successful': (j) => String(j.status?.succeeded ?? 0) },
  defaults: defaultJob,
  prepareForCreate: generateJobSelector,
  validate: (j, old) => [...validateJobObject(j, requirePrefixedLabels(old)), ...(old ? validateJobUpdate(j, old) : [])],
};

// New Jobs must carry the batch.kubernetes.io/ labels; Jobs from before them need not.
function requirePrefixedLabels(old: any): boolean {
  const labels = old?.spec?.template?.metadata?.labels ?? {};
  return !old || (jobLabels.jobName in labels && jobLabels.controllerUid in labels);
}

function conditionTrue(j: any, type: string): boolean {
  const condition = (j.status?.conditions ?? []).find((c: any) => c.type === type);
  return condition?.status === 'True';
}

function jobStatus(j: any): string {
  if (conditionTrue(j, 'Complete')) return 'Complete';
  if (conditionTrue(j, 'Failed')) return 'Failed';
  if (j.metadata?.deletionTimestamp) return 'Terminating';
  if (conditionTrue(j, 'Suspended')) return 'Suspended';
  if (conditionTrue(j, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function completions(j: any): string {
  const succeeded = j.status?.succeeded ?? 0;
  if (j.spec?.completions !== undefined && j.spec?.completions !== null) return `${succeeded}/${j.spec.completions}`;
  const parallelism = j.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function duration(j: any): string {
  const { startTime, completionTime } = j.status ?? {};
  if (!startTime) return '';
  if (!completionTime) return since(startTime);
  return humanDuration(Date.parse(completionTime) - Date.parse(startTime));
}

export function defaultJob(j: any): void {
  const spec = (j.spec ??= {});
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex != null ? 2 ** 31 - 1 : 6;
  copyTemplateLabels(j);
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    for (const pattern of rule.onPodConditions ?? []) pattern.status ||= 'True';
  }
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  spec.manualSelector ??= false;
  defaultPodTemplateSpec((spec.template ??= {}));
}

// A Job without labels of its own takes its pod template's.
function copyTemplateLabels(j: any): void {
  const labels = j.spec?.template?.metadata?.labels;
  const meta = (j.metadata ??= {});
  if (labels && Object.keys(meta.labels ?? {}).length === 0) meta.labels = { ...labels };
}

/**
 * The registry's generateSelector: unless spec.manualSelector, the pods get job-name and
 * controller-uid labels (prefixed and legacy) and the Job selects its uid. Needs the name
 * and uid. Upstream's decode-time defaulting then copies the template labels to a Job
 * without labels; done here so the created object reads the same.
 */
export function generateJobSelector(j: any): void {
  const spec = (j.spec ??= {});
  if (spec.manualSelector === true) return;
  const { name = '', uid = '' } = j.metadata ?? {};
  const template = (spec.template ??= {});
  const labels = ((template.metadata ??= {}).labels ??= {});
  labels[jobLabels.legacyJobName] ??= name;
  labels[jobLabels.jobName] ??= name;
  labels[jobLabels.legacyControllerUid] ??= uid;
  labels[jobLabels.controllerUid] ??= uid;
  const selector = (spec.selector ??= {});
  (selector.matchLabels ??= {})[jobLabels.controllerUid] ??= uid;
  copyTemplateLabels(j);
}

/** ValidateJob: the generated selector, the spec, room for indexed pod names. */
function validateJobObject(j: any, prefixedLabels: boolean): FieldError[] {
  const spec = j.spec ?? {};
  const errs = [...validateGeneratedSelector(j, prefixedLabels), ...validateJobSpec(spec, 'spec')];
  const selectorErrors = validateLabelSelector(spec.selector, 'spec.selector');
  if (!spec.selector) errs.push(required('spec.selector', ''));
  errs.push(...selectorErrors);
  // An absent selector selects nothing; a malformed one is not evaluated.
  const labels = spec.template?.metadata?.labels;
  if (selectorErrors.length === 0 && !(spec.selector && selectorMatches(spec.selector, labels))) {
    errs.push(invalidGo('spec.template.metadata.labels', goStringMap(labels), '`selector` does not match template `labels`'));
  }
  if (spec.completionMode === 'Indexed' && spec.completions > 0) {
    const hostname = `${j.metadata?.name ?? ''}-${spec.completions - 1}`;
    if (dns1123LabelErrors(hostname).length > 0) {
      errs.push(invalidValue('metadata.name', j.metadata?.name ?? '', `will not able to create pod with invalid DNS label: ${hostname}`));
    }
  }
  return errs;
}

function validateGeneratedSelector(j: any, requirePrefixedLabels: boolean): FieldError[] {
  const spec = j.spec ?? {};
  if (spec.manualSelector === true || !spec.selector) return [];
  const { name = '', uid = '' } = j.metadata ?? {};
  const errs: FieldError[] = [];
  if (!uid) errs.push(required('metadata.uid', ''));
  const expected: Record<string, string> = { [jobLabels.legacyControllerUid]: uid, [jobLabels.legacyJobName]: name };
  if (requirePrefixedLabels) Object.assign(expected, { [jobLabels.controllerUid]: uid, [jobLabels.jobName]: name });
  const labels = spec.template?.metadata?.labels;
  for (const [key, value] of Object.entries(expected)) {
    const path = `spec.template.metadata.labels[${key}]`;
    if (!labels || !(key in labels)) errs.push(required(path, value));
    else if (labels[key] !== value) errs.push(invalidGo(path, goStringMap(labels), `must be '${value}'`));
  }
  if (validateLabelSelector(spec.selector, 'spec.selector').length === 0 && !selectorMatches(spec.selector, expected)) {
    errs.push(invalidGo('spec.selector', goLabelSelector(spec.selector), '`selector` not auto-generated'));
  }
  return errs;
}

const maxParallelismForIndexedJob = 100_000;
const maxFailedIndexesForIndexedJob = 100_000;
const completionsSoftLimit = 100_000;
const parallelismLimitForHighCompletions = 10_000;
const maxFailedIndexesLimitForHighCompletions = 10_000;
const maxPodFailurePolicyRules = 20;
const maxManagedByLength = 63;
const maxSuccessPolicyRules = 20;

/** validateJobSpec, shared with CronJob job templates: counts, modes, policies, the pod template. */
export function validateJobSpec(spec: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes']) {
    errs.push(...validateNonnegative(spec[field] ?? undefined, `${path}.${field}`));
  }
  if (spec.maxFailedIndexes != null && spec.backoffLimitPerIndex == null) {
    errs.push(required(`${path}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  }
  if (spec.managedBy != null) {
    errs.push(...validateDomainPrefixedPath(spec.managedBy, `${path}.managedBy`));
    if (spec.managedBy.length > maxManagedByLength) errs.push(tooLong(`${path}.managedBy`, maxManagedByLength));
  }
  errs.push(...validateCompletionMode(spec, path));
  if (spec.podFailurePolicy) errs.push(...validatePodFailurePolicy(spec, `${path}.podFailurePolicy`));
  if (spec.successPolicy) {
    if (spec.completionMode !== 'Indexed') errs.push(invalidDetail(`${path}.successPolicy`, 'requires indexed completion mode'));
    else errs.push(...validateSuccessPolicy(spec, `${path}.successPolicy`));
  }
  if (spec.podReplacementPolicy != null) {
    const allowed = spec.podFailurePolicy ? ['Failed'] : ['Failed', 'TerminatingOrFailed'];
    if (!allowed.includes(spec.podReplacementPolicy)) errs.push(unsupported(`${path}.podReplacementPolicy`, spec.podReplacementPolicy, allowed));
  }
  errs.push(...validatePodTemplateSpec(spec.template, `${path}.template`));
  const restartPolicy = spec.template?.spec?.restartPolicy ?? '';
  const restartPath = `${path}.template.spec.restartPolicy`;
  if (restartPolicy === 'Always' || restartPolicy === '') errs.push(required(restartPath, 'valid values: "OnFailure", "Never"'));
  else if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') errs.push(unsupported(restartPath, restartPolicy, ['OnFailure', 'Never']));
  else if (spec.podFailurePolicy && restartPolicy !== 'Never') errs.push(invalidValue(restartPath, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

function validateCompletionMode(spec: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mode = spec.completionMode;
  if (mode != null && mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(unsupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
  if (mode === 'Indexed') {
    if (spec.completions == null) errs.push(required(`${path}.completions`, 'when completion mode is Indexed'));
    if (spec.parallelism > maxParallelismForIndexedJob) {
      errs.push(invalidValue(`${path}.parallelism`, spec.parallelism, `must be less than or equal to ${maxParallelismForIndexedJob} when completion mode is Indexed`));
    }
    if (spec.completions != null && spec.maxFailedIndexes > spec.completions) {
      errs.push(invalidValue(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, 'must be less than or equal to completions'));
    }
    if (spec.maxFailedIndexes > maxFailedIndexesForIndexedJob) {
      errs.push(invalidValue(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, `must be less than or equal to ${maxFailedIndexesForIndexedJob}`));
    }
    if (spec.completions > completionsSoftLimit && spec.backoffLimitPerIndex != null) {
      const high = `when completions are above ${completionsSoftLimit} and used with backoff limit per index`;
      if (spec.maxFailedIndexes == null) errs.push(required(`${path}.maxFailedIndexes`, `must be specified when completions is above ${completionsSoftLimit}`));
      if (spec.parallelism > parallelismLimitForHighCompletions) {
        errs.push(invalidValue(`${path}.parallelism`, spec.parallelism, `must be less than or equal to ${parallelismLimitForHighCompletions} ${high}`));
      }
      if (spec.maxFailedIndexes > maxFailedIndexesLimitForHighCompletions) {
        errs.push(invalidValue(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, `must be less than or equal to ${maxFailedIndexesLimitForHighCompletions} ${high}`));
      }
    }
  } else {
    if (spec.backoffLimitPerIndex != null) errs.push(invalidValue(`${path}.backoffLimitPerIndex`, spec.backoffLimitPerIndex, 'requires indexed completion mode'));
    if (spec.maxFailedIndexes != null) errs.push(invalidValue(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, 'requires indexed completion mode'));
  }
  return errs;
}

const podFailurePolicyActions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const onExitCodesOperators = ['In', 'NotIn'];
const conditionStatuses = ['False', 'True', 'Unknown'];

function validatePodFailurePolicy(spec: any, path: string): FieldError[] {
  const rules: any[] = spec.podFailurePolicy.rules ?? [];
  const errs: FieldError[] = [];
  if (rules.length > maxPodFailurePolicyRules) errs.push(tooMany(`${path}.rules`, rules.length, maxPodFailurePolicyRules));
  const containerNames = new Set([...(spec.template?.spec?.containers ?? []), ...(spec.template?.spec?.initContainers ?? [])].map((c: any) => c.name));
  rules.forEach((rule, i) => errs.push(...validatePodFailurePolicyRule(spec, rule, `${path}.rules[${i}]`, containerNames)));
  return errs;
}

function validatePodFailurePolicyRule(spec: any, rule: any, path: string, containerNames: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const quotedList = `[${podFailurePolicyActions.map((a) => JSON.stringify(a)).join(' ')}]`;
  if (!rule.action) errs.push(required(`${path}.action`, `valid values: ${quotedList}`));
  else if (rule.action === 'FailIndex') {
    if (spec.backoffLimitPerIndex == null) errs.push(invalidValue(`${path}.action`, rule.action, 'requires the backoffLimitPerIndex to be set'));
  } else if (!podFailurePolicyActions.includes(rule.action)) errs.push(unsupported(`${path}.action`, rule.action, podFailurePolicyActions));
  const onExitCodes = rule.onExitCodes;
  const onPodConditions: any[] = rule.onPodConditions ?? [];
  if (onExitCodes) errs.push(...validateOnExitCodes(onExitCodes, `${path}.onExitCodes`, containerNames));
  onPodConditions.forEach((pattern, j) => {
    const at = `${path}.onPodConditions[${j}]`;
    errs.push(...qualifiedName(pattern.type ?? '', `${at}.type`));
    if (!pattern.status) errs.push(required(`${at}.status`, `valid values: [${conditionStatuses.map((s) => JSON.stringify(s)).join(' ')}]`));
    else if (!conditionStatuses.includes(pattern.status)) errs.push(unsupported(`${at}.status`, pattern.status, conditionStatuses));
  });
  if (onExitCodes && onPodConditions.length > 0) errs.push(invalidDetail(path, 'specifying both OnExitCodes and OnPodConditions is not supported'));
  if (!onExitCodes && onPodConditions.length === 0) errs.push(invalidDetail(path, 'specifying one of OnExitCodes and OnPodConditions is required'));
  return errs;
}

function validateOnExitCodes(onExitCodes: any, path: string, containerNames: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (!onExitCodes.operator) errs.push(required(`${path}.operator`, `valid values: [${onExitCodesOperators.map((o) => JSON.stringify(o)).join(' ')}]`));
  else if (!onExitCodesOperators.includes(onExitCodes.operator)) errs.push(unsupported(`${path}.operator`, onExitCodes.operator, onExitCodesOperators));
  if (onExitCodes.containerName != null && !containerNames.has(onExitCodes.containerName)) {
    errs.push(invalidValue(`${path}.containerName`, onExitCodes.containerName, 'must be one of the container or initContainer names in the pod template'));
  }
  const values: number[] = onExitCodes.values ?? [];
  if (values.length === 0) errs.push(invalidGo(`${path}.values`, '[]int32(nil)', 'at least one value is required'));
  else if (values.length > 255) errs.push(tooMany(`${path}.values`, values.length, 255));
  const seen = new Set<number>();
  values.forEach((value, j) => {
    if (onExitCodes.operator === 'In' && value === 0) errs.push(invalidValue(`${path}.values[${j}]`, value, 'must not be 0 for the In operator'));
    if (seen.has(value)) errs.push(duplicate(`${path}.values[${j}]`, value));
    seen.add(value);
  });
  if (values.some((v, j) => j > 0 && values[j - 1] > v)) errs.push(invalidGo(`${path}.values`, `[]int32{${values.join(', ')}}`, 'must be ordered'));
  return errs;
}

function validateSuccessPolicy(spec: any, path: string): FieldError[] {
  const rules: any[] = spec.successPolicy.rules ?? [];
  const errs: FieldError[] = [];
  if (rules.length === 0) errs.push(required(`${path}.rules`, 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > maxSuccessPolicyRules) errs.push(tooMany(`${path}.rules`, rules.length, maxSuccessPolicyRules));
  rules.forEach((rule, i) => {
    const at = `${path}.rules[${i}]`;
    if (rule.succeededCount == null && rule.succeededIndexes == null) errs.push(required(at, 'at least one of succeededCount or succeededIndexes must be specified'));
    let totalIndexes = 0;
    if (rule.succeededIndexes != null) {
      const parsed = parseIndexes(rule.succeededIndexes, spec.completions ?? 0);
      if (typeof parsed === 'string') errs.push(invalidValue(`${at}.succeededIndexes`, rule.succeededIndexes, `error parsing succeededIndexes: ${parsed}`));
      else totalIndexes = parsed;
    }
    if (rule.succeededCount != null) {
      const countPath = `${at}.succeededCount`;
      errs.push(...validateNonnegative(rule.succeededCount, countPath));
      if (rule.succeededCount > (spec.completions ?? 0)) {
        errs.push(invalidValue(countPath, rule.succeededCount, `must be less than or equal to ${spec.completions ?? 0} (the number of specified completions)`));
      }
      if (rule.succeededIndexes != null && rule.succeededCount > totalIndexes) {
        errs.push(invalidValue(countPath, rule.succeededCount, `must be less than or equal to ${totalIndexes} (the number of indexes in the specified succeededIndexes field)`));
      }
    }
  });
  return errs;
}

/** "1,3-5,7": the number of indexes, or upstream's parse error. */
function parseIndexes(text: string, completions: number): number | string {
  if (text === '') return 0;
  let last: number | undefined;
  let total = 0;
  for (const interval of text.split(',')) {
    const limits = interval.split('-');
    if (limits.length > 2) return `the fragment "${interval}" violates the requirement that an index interval can have at most two parts separated by '-'`;
    const bounds: number[] = [];
    for (const limit of limits) {
      if (!/^[+-]?\d+$/.test(limit)) return `cannot convert string to integer for index: "${limit}"`;
      if (Number(limit) >= completions) return `too large index: "${limit}"`;
      bounds.push(Number(limit));
    }
    const [x, y = x] = bounds;
    if (limits.length === 2 && x >= y) return `non-increasing order, previous: ${x}, current: ${y}`;
    if (last !== undefined && last >= x) return `non-increasing order, previous: ${last}, current: ${x}`;
    total += y - x + 1;
    last = y;
  }
  return total;
}

/** ValidateJobSpecUpdate: what may not change once the Job exists. */
function validateJobUpdate(j: any, old: any): FieldError[] {
  const spec = j.spec ?? {};
  const oldSpec = old.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.completionMode !== 'Indexed') {
    if (spec.completions !== oldSpec.completions) errs.push(immutable('spec.completions', spec.completions ?? null));
  } else if (spec.completions !== oldSpec.completions && spec.completions != null && spec.completions !== spec.parallelism) {
    errs.push(invalidValue('spec.completions', spec.completions, 'can only be modified in tandem with spec.parallelism'));
  }
  if (!semanticEqual(spec.selector, oldSpec.selector)) errs.push(invalidGo('spec.selector', goLabelSelector(spec.selector), 'field is immutable'));
  if (!semanticEqual(spec.template, mutableTemplateOf(spec, oldSpec, old))) errs.push(immutable('spec.template', spec.template));
  for (const field of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) {
    if (!semanticEqual(spec[field], oldSpec[field])) errs.push(immutable(`spec.${field}`, spec[field] ?? null));
  }
  return errs;
}

// A suspended Job that never started may change its pods' scheduling directives, labels and
// annotations: compare the new template with the old one carrying those over.
function mutableTemplateOf(spec: any, oldSpec: any, old: any): any {
  const oldTemplate = oldSpec.template;
  if (!(oldSpec.suspend === true && !old.status?.startTime) || !oldTemplate) return oldTemplate;
  const template = spec.template ?? {};
  const copy = structuredClone(oldTemplate);
  copy.metadata = { ...copy.metadata, labels: template.metadata?.labels, annotations: template.metadata?.annotations };
  copy.spec = { ...copy.spec, nodeSelector: template.spec?.nodeSelector, tolerations: template.spec?.tolerations, schedulingGates: template.spec?.schedulingGates };
  const affinity = { ...copy.spec.affinity, nodeAffinity: template.spec?.affinity?.nodeAffinity };
  copy.spec.affinity = template.spec?.affinity || Object.values(affinity).some((v) => v !== undefined) ? affinity : undefined;
  return copy;
}
