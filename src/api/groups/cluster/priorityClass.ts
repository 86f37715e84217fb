// scheduling.k8s.io/v1 PriorityClass: printer columns, the preemptionPolicy default and
// ValidatePriorityClass(Update): "system-" names are reserved for the two built-in classes.

import type { FieldError } from '../../../apiserver/errors.ts';
import { forbidden, immutable, required, unsupported } from '../../validation.ts';
import { ageColumn } from '../core/format.ts';
import type { KindDeclaration } from '../../kind.ts';

export const priorityClass: KindDeclaration = {
  group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass', plural: 'priorityclasses', singular: 'priorityclass', namespaced: false, shortNames: ['pc'],
  columns: [
    { name: 'Value', type: 'integer', description: 'The priority of pods of this class.', cell: (pc) => pc.value ?? 0 },
    { name: 'Global-Default', type: 'boolean', description: 'Whether pods without a class get this one.', cell: (pc) => pc.globalDefault ?? false },
    ageColumn,
    { name: 'PreemptionPolicy', type: 'string', description: 'Whether pods of this class may preempt others.', cell: (pc) => pc.preemptionPolicy ?? '' },
  ],
  defaults: (pc) => {
    pc.preemptionPolicy ??= 'PreemptLowerPriority';
  },
  validate: validatePriorityClass,
};

/** The largest value a user-defined class may have; the system classes sit above it. */
export const highestUserDefinablePriority = 1_000_000_000;
const systemPrefix = 'system-';
const systemClasses = [
  { name: 'system-node-critical', value: 2 * highestUserDefinablePriority + 1000, globalDefault: false },
  { name: 'system-cluster-critical', value: 2 * highestUserDefinablePriority, globalDefault: false },
];
const preemptionPolicies = ['PreemptLowerPriority', 'Never'];

export function validatePriorityClass(pc: any, old?: any): FieldError[] {
  const name: string = pc.metadata?.name ?? '';
  const value = pc.value ?? 0;
  const errs: FieldError[] = [];
  if (old) {
    if (value !== (old.value ?? 0)) errs.push(forbidden('value', 'may not be changed in an update.'));
    if ((pc.preemptionPolicy ?? null) !== (old.preemptionPolicy ?? null)) errs.push(immutable('preemptionPolicy', pc.preemptionPolicy ?? null));
    return errs;
  }
  if (name.startsWith(systemPrefix)) {
    const problem = systemClassProblem(name, value, pc.globalDefault ?? false);
    if (problem) errs.push(forbidden('metadata.name', `priority class names with '${systemPrefix}' prefix are reserved for system use only. error: ${problem}`));
  } else if (value > highestUserDefinablePriority) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`));
  }
  if (pc.preemptionPolicy != null) {
    if (pc.preemptionPolicy === '') errs.push(required('preemptionPolicy', ''));
    else if (!preemptionPolicies.includes(pc.preemptionPolicy)) errs.push(unsupported('preemptionPolicy', pc.preemptionPolicy, preemptionPolicies));
  }
  return errs;
}

function systemClassProblem(name: string, value: number, globalDefault: boolean): string | undefined {
  const known = systemClasses.find((c) => c.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${known.value}`;
  if (known.globalDefault !== globalDefault) return `globalDefault of ${name} PriorityClass must be ${known.globalDefault}`;
  return undefined;
}
