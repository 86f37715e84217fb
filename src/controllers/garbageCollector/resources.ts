// Which kinds hold objects that can go away: the built-in kinds that can be listed, watched
// and deleted, and the kinds established CustomResourceDefinitions serve. The garbage
// collector watches them; the namespace controller empties a namespace of them.

import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1.js';
import { builtinKinds } from '../../api/registry.ts';
import type { ResourceType } from '../../client/client.ts';
import { resourceTypeOf } from '../../client/resourceTypes.ts';

const needed = ['list', 'watch', 'delete'];

/**
 * Built-in kinds with list, watch and delete. Kinds stored as another kind's objects
 * (events.k8s.io Events are core Events) are left out: the other kind covers them.
 */
export const deletableBuiltinTypes: ResourceType[] = builtinKinds
  .filter((decl) => !decl.storedAs && (!decl.verbs || needed.every((verb) => decl.verbs!.includes(verb))))
  .map((decl) => resourceTypeOf(decl));

/** The type a CRD's objects are served at (its storage version), once the CRD is established. */
export function customResourceType(crd: CustomResourceDefinition): ResourceType | undefined {
  const established = crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
  if (!established || crd.metadata?.deletionTimestamp) return undefined;
  const served = crd.spec.versions.filter((v) => v.served);
  const version = served.find((v) => v.storage) ?? served[0];
  if (!version) return undefined;
  return { group: crd.spec.group, version: version.name, plural: crd.spec.names.plural, kind: crd.spec.names.kind, namespaced: crd.spec.scope === 'Namespaced' };
}

/** The group of an apiVersion: "apps/v1" -> "apps", "v1" -> "". */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
