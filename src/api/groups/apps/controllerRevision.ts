// apps/v1 ControllerRevision: the CONTROLLER/REVISION columns and ValidateControllerRevision
// (data required and immutable, revision non-negative).

import type { FieldError } from '../../../apiserver/errors.ts';
import { immutable, required, validateNonnegative } from '../../validation.ts';
import { ageColumn } from '../core/format.ts';
import { semanticEqual } from '../semanticEqual.ts';
import type { KindDeclaration } from '../../kind.ts';

export const controllerRevision: KindDeclaration = {
  group: 'apps', version: 'v1', kind: 'ControllerRevision', plural: 'controllerrevisions', singular: 'controllerrevision', namespaced: true,
  columns: [
    { name: 'Controller', type: 'string', description: 'The controller that owns this revision.', cell: controllerOf },
    { name: 'Revision', type: 'string', description: 'The revision number.', cell: (r) => r.revision ?? 0 },
    ageColumn,
  ],
  validate: validateControllerRevision,
};

/** "statefulset.apps/web": the controlling owner as kind.group/name, "<none>" without one. */
function controllerOf(revision: any): string {
  const owner = (revision.metadata?.ownerReferences ?? []).find((ref: any) => ref.controller);
  if (!owner) return '<none>';
  const apiVersion: string = owner.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind: string = owner.kind ?? '';
  if (!kind && !group) return owner.name;
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${owner.name}`;
}

export function validateControllerRevision(revision: any, old?: any): FieldError[] {
  const errs: FieldError[] = [];
  if (revision.data === undefined || revision.data === null) errs.push(required('data', 'data is mandatory'));
  errs.push(...validateNonnegative(revision.revision, 'revision'));
  if (old && !semanticEqual(revision.data, old.data)) errs.push(immutable('data', revision.data));
  return errs;
}
