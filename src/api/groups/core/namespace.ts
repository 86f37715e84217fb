// Namespace: a scope for names. New namespaces carry the `kubernetes` finalizer (the namespace
// controller empties them before they go) and a label naming themselves.

import type { FieldError } from '../../../apiserver/errors.ts';
import type { KindDeclaration } from '../../kind.ts';
import { dns1123Label, invalidEach, invalidValue, qualifiedNameErrors } from '../../validation.ts';
import { ageColumn } from './format.ts';

export const namespace: KindDeclaration = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  nameValidator: dns1123Label,
  shortNames: ['ns'],
  subresources: { status: true },
  columns: [
    { name: 'Status', type: 'string', description: 'The status of the namespace (Active or Terminating).', cell: (ns) => ns.status?.phase ?? '' },
    ageColumn,
  ],
  fieldSelectors: { 'status.phase': (ns) => ns.status?.phase ?? '' },
  defaults: (ns) => {
    const name = ns.metadata?.name;
    if (name) ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': name };
    ns.status ??= {};
    ns.status.phase ||= 'Active';
  },
  // Created namespaces carry the kubernetes finalizer; only the namespace controller removes it
  // (which is why it is not a default).
  prepareForCreate: (ns) => {
    ns.spec ??= {};
    const finalizers: string[] = ns.spec.finalizers ?? [];
    ns.spec.finalizers = finalizers.includes('kubernetes') ? finalizers : [...finalizers, 'kubernetes'];
    ns.status = { phase: 'Active' };
  },
  validate: (ns) => (ns.spec?.finalizers ?? []).flatMap((f: string) => validateFinalizerName(f, 'spec.finalizers')),
  // A namespace stays, Terminating, until its spec.finalizers are gone (PUT .../finalize).
  deletion: {
    finalizers: (ns) => ns.spec?.finalizers ?? [],
    markTerminating: (ns) => {
      ns.status = { ...ns.status, phase: 'Terminating' };
    },
  },
};

const standardFinalizers = ['kubernetes', 'orphan', 'foregroundDeletion'];

/** A finalizer name: qualified, and one of the standard ones unless domain-prefixed. */
export function validateFinalizerName(name: string, path: string): FieldError[] {
  const errs = invalidEach(path, name, qualifiedNameErrors(name));
  if (!name.includes('/') && !standardFinalizers.includes(name)) errs.push(invalidValue(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  return errs;
}
