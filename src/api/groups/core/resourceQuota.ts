// ResourceQuota: limits on what a namespace may consume. The table shows used/hard for each
// resource, requests and limits apart, as `kubectl get quota` does.

import type { FieldError } from '../../../apiserver/errors.ts';
import type { KindDeclaration } from '../../kind.ts';
import { invalidValue, required, fieldImmutable } from '../../validation.ts';
import { ageColumn } from './format.ts';
import { validateQuotaResourceName, validateResourceList } from './resources.ts';

export const resourceQuota: KindDeclaration = {
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  plural: 'resourcequotas',
  singular: 'resourcequota',
  namespaced: true,
  shortNames: ['quota'],
  subresources: { status: true },
  columns: [
    { name: 'Request', type: 'string', description: 'Used and hard amounts of requested resources.', cell: (q) => usage(q, false) },
    { name: 'Limit', type: 'string', description: 'Used and hard amounts of resource limits.', cell: (q) => usage(q, true) },
    ageColumn,
  ],
  validate: (q, old) => [
    ...validateResourceList(q.spec?.hard, 'spec.hard', validateQuotaResourceName),
    ...validateScopes(q.spec ?? {}),
    ...validateResourceList(q.status?.hard, 'status.hard', validateQuotaResourceName),
    ...validateResourceList(q.status?.used, 'status.used', validateQuotaResourceName),
    ...(old ? validateScopesUnchanged(q, old) : []),
  ],
};

// `cpu: 100m/1, pods: 2/10`, from status, in name order; limits.* go to the Limit column.
function usage(q: any, limits: boolean): string {
  const hard: Record<string, string> = q.status?.hard ?? {};
  const used: Record<string, string> = q.status?.used ?? {};
  return Object.keys(hard)
    .sort()
    .filter((name) => name.startsWith('limits.') === limits)
    .map((name) => `${name}: ${used[name] ?? '0'}/${hard[name]}`)
    .join(', ');
}

const scopes = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];
const podCompute = ['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory'];
const conflictingScopes = [['BestEffort', 'NotBestEffort'], ['Terminating', 'NotTerminating']];
const existsOnlyScopes = ['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity'];

// Which standard resources a scope can narrow: BestEffort pods have no compute to count.
function scopeFitsResource(scope: string, resource: string): boolean {
  if (scope === 'BestEffort' || scope === 'CrossNamespacePodAffinity') return resource === 'pods';
  return resource === 'pods' || podCompute.includes(resource);
}

const standardQuotaName = (name: string) => !name.includes('/');

function validateScopes(spec: any): FieldError[] {
  const errs: FieldError[] = [];
  const hard = Object.keys(spec.hard ?? {}).sort();
  const list: string[] = spec.scopes ?? [];
  for (const scope of list) {
    if (!scopes.includes(scope)) errs.push(invalidValue('spec.scopes', list, 'unsupported scope'));
    for (const resource of hard) {
      if (standardQuotaName(resource) && !scopeFitsResource(scope, resource)) errs.push(invalidValue('spec.scopes', list, 'unsupported scope applied to resource'));
    }
  }
  const exprs: any[] = spec.scopeSelector?.matchExpressions ?? [];
  const path = 'spec.scopeSelector.matchExpressions';
  for (const req of exprs) {
    if (!scopes.includes(req.scopeName)) errs.push(invalidValue(`${path}.scopeName`, req.scopeName ?? '', 'unsupported scope'));
    for (const resource of hard) {
      if (standardQuotaName(resource) && !scopeFitsResource(req.scopeName, resource)) errs.push(invalidValue(path, spec.scopeSelector, 'unsupported scope applied to resource'));
    }
    if (existsOnlyScopes.includes(req.scopeName) && req.operator !== 'Exists') {
      errs.push(invalidValue(`${path}.operator`, req.operator ?? '', 'must be \'Exists\' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity'));
    }
    const values: string[] = req.values ?? [];
    if (req.operator === 'In' || req.operator === 'NotIn') {
      if (values.length === 0) errs.push(required(`${path}.values`, "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
    } else if (req.operator === 'Exists' || req.operator === 'DoesNotExist') {
      if (values.length) errs.push(invalidValue(`${path}.values`, values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
    } else {
      errs.push(invalidValue(`${path}.operator`, req.operator ?? '', 'not a valid selector operator'));
    }
  }
  const used = new Set([...list, ...exprs.map((e) => e.scopeName)]);
  for (const pair of conflictingScopes) if (pair.every((s) => used.has(s))) errs.push(invalidValue('spec.scopes', list, 'conflicting scopes'));
  return errs;
}

function validateScopesUnchanged(q: any, old: any): FieldError[] {
  const now = new Set<string>(q.spec?.scopes ?? []);
  const was = new Set<string>(old.spec?.scopes ?? []);
  const same = now.size === was.size && [...now].every((s) => was.has(s));
  return same ? [] : [invalidValue('spec.scopes', q.spec?.scopes ?? [], fieldImmutable)];
}
