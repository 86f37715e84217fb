// metadata.managedFields on every write: the fields a manager set become its own. Apply
// patches record their ownership themselves (patch/apply.ts).

import type { KindDeclaration, KubeObject } from '../api/kind.ts';
import { updateManagedFields } from './patch/apply.ts';
import { schemaOf } from './schemas.ts';

export interface ManagedFieldsContext {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
}

export function recordManagedFields(decl: KindDeclaration, current: KubeObject | undefined, next: KubeObject, ctx: ManagedFieldsContext): KubeObject {
  if (ctx.operation === 'Apply') return next;
  const version = ctx.apiVersion.split('/').pop()!;
  return updateManagedFields(current, next, schemaOf(decl, version), {
    manager: ctx.manager, operation: 'Update', apiVersion: ctx.apiVersion, now: new Date(), subresource: ctx.subresource, resetFields: resetFieldsOf(decl, ctx.subresource),
  });
}

/** What an endpoint's strategy resets is nobody's there: status on the main resource, spec on /status. */
export function resetFieldsOf(decl: KindDeclaration, subresource: string | undefined): string[][] | undefined {
  if (!decl.subresources?.status) return undefined;
  if (!subresource) return [['status']];
  return subresource === 'status' ? [['spec']] : undefined;
}
