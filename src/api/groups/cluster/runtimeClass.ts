// node.k8s.io/v1 RuntimeClass: the HANDLER column and ValidateRuntimeClass(Update).

import type { FieldError } from '../../../apiserver/errors.ts';
import { dns1123Label, immutable, validateLabels } from '../../validation.ts';
import { ageColumn } from '../core/format.ts';
import { validateResourceList } from '../core/resources.ts';
import type { KindDeclaration } from '../../kind.ts';

export const runtimeClass: KindDeclaration = {
  group: 'node.k8s.io', version: 'v1', kind: 'RuntimeClass', plural: 'runtimeclasses', singular: 'runtimeclass', namespaced: false,
  columns: [{ name: 'Handler', type: 'string', description: 'The CRI handler that runs pods of this class.', cell: (rc) => rc.handler ?? '' }, ageColumn],
  validate: validateRuntimeClass,
};

export function validateRuntimeClass(rc: any, old?: any): FieldError[] {
  const errs = dns1123Label(rc.handler ?? '', 'handler');
  if (rc.overhead?.podFixed) errs.push(...validateResourceList(rc.overhead.podFixed, 'overhead.podFixed'));
  if (rc.scheduling?.nodeSelector) errs.push(...validateLabels(rc.scheduling.nodeSelector, 'scheduling.nodeSelector'));
  if (old && rc.handler !== old.handler) errs.push(immutable('handler', rc.handler ?? ''));
  return errs;
}
