// Compute resource names and quantities (ResourceList): which names are standard, which are
// extended or integral, and upstream's validation of names and values in each context
// (containers, quotas, limit ranges, node capacity).

import type { FieldError } from '../../../apiserver/errors.ts';
import { invalidEach, invalidValue, qualifiedNameErrors, isNegative } from '../../validation.ts';
import { parseQuantity, quantityFormatError } from './quantity.ts';

const containerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);
const integerResources = new Set(['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers']);
const quotaResources = new Set([
  ...integerResources, 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
]);
const standardResources = new Set([...quotaResources, 'storage']);

export const isHugePages = (name: string) => name.startsWith('hugepages-');
const isQuotaHugePages = (name: string) => name.startsWith('requests.hugepages-') || name.startsWith('limits.hugepages-');

/** Native resources live in the kubernetes.io domain (or none); others are extended resources. */
export const isNativeResource = (name: string) => !name.includes('/') || name.startsWith('kubernetes.io/');

/** An extended resource: outside kubernetes.io, and `requests.<name>` must itself be a qualified name. */
export function isExtendedResource(name: string): boolean {
  return !isNativeResource(name) && !name.startsWith('requests.') && qualifiedNameErrors(`requests.${name}`).length === 0;
}

/** Requests may be below limits only for native, non-hugepage resources. */
export const overcommitAllowed = (name: string) => isNativeResource(name) && !isHugePages(name);

const isStandardResource = (name: string) => standardResources.has(name) || isQuotaHugePages(name) || isHugePages(name);
const isIntegerResource = (name: string) => integerResources.has(name) || isExtendedResource(name);

/** A resource name anywhere: qualified, and standard unless domain-prefixed. */
export function validateResourceName(name: string, field: string): FieldError[] {
  const errs = invalidEach(field, name, qualifiedNameErrors(name));
  if (errs.length) return errs;
  if (!name.includes('/') && !isStandardResource(name)) return [invalidValue(field, name, 'must be a standard resource type or fully qualified')];
  return [];
}

/** A resource name a container (or a Pod/Container limit range) may use. */
export function validateContainerResourceName(name: string, field: string): FieldError[] {
  const errs = validateResourceName(name, field);
  if (!name.includes('/')) {
    if (!containerResources.has(name) && !isHugePages(name)) errs.push(invalidValue(field, name, 'must be a standard resource for containers'));
  } else if (!isNativeResource(name) && !isExtendedResource(name)) {
    errs.push(invalidValue(field, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** A resource name a ResourceQuota may limit. */
export function validateQuotaResourceName(name: string, field: string): FieldError[] {
  const errs = validateResourceName(name, field);
  if (!name.includes('/') && !quotaResources.has(name) && !isQuotaHugePages(name)) errs.push(invalidValue(field, name, 'must be a standard resource for quota'));
  return errs;
}

/** A quantity: parseable, not negative, whole for countable resources. Returns its value when valid. */
export function validateQuantity(name: string, quantity: unknown, field: string): { value?: number; errors: FieldError[] } {
  const value = parseQuantity(quantity as string | number);
  if (value === undefined) return { errors: [invalidValue(field, quantity, quantityFormatError)] };
  const errors: FieldError[] = [];
  if (value < 0) errors.push(invalidValue(field, String(quantity), isNegative));
  if (isIntegerResource(name) && Math.ceil(value * 1000) % 1000 !== 0) errors.push(invalidValue(field, String(quantity), 'must be an integer'));
  return { value, errors };
}

export type ResourceList = Record<string, string | number>;

/** Names and quantities of one ResourceList, at `field[name]`. */
export function validateResourceList(list: ResourceList | undefined, field: string, nameValidator = validateResourceName): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, quantity] of Object.entries(list ?? {})) {
    const at = `${field}[${name}]`;
    errs.push(...nameValidator(name, at), ...validateQuantity(name, quantity, at).errors);
  }
  return errs;
}
