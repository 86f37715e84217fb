// One pass at emptying a namespace, as upstream's namespaced-resources deleter: every
// namespaced kind (built in, and those of established CRDs) is listed, whatever is not already
// going is deleted with Background propagation, and whatever is still there is reported.

import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1.js';
import type { KubeObject } from '../../api/kind.ts';
import type { Client, ResourceType } from '../../client/client.ts';
import { types } from '../../client/resourceTypes.ts';
import { customResourceType, deletableBuiltinTypes } from '../garbageCollector/resources.ts';
import { errorMessage, isNotFound } from '../replicaSet/apiErrors.ts';
import type { ContentReport } from './conditions.ts';

export interface ContentPass {
  report: ContentReport;
  /** Objects the pass found (deleted at once or remaining). */
  found: number;
}

export async function deleteContent(client: Client, namespace: string, now: number): Promise<ContentPass> {
  const { types: kinds, discoveryError } = await namespacedTypes(client);
  const report: ContentReport = { discoveryError, deleteErrors: [], remaining: new Map(), finalizers: new Map() };
  let found = 0;
  await Promise.all(
    kinds.map(async (type) => {
      const resource = `${type.plural}.${type.group}`;
      try {
        const { items } = await client.list<KubeObject>(type, { namespace });
        found += items.length;
        const left: KubeObject[] = [];
        for (const item of items) {
          const still = item.metadata?.deletionTimestamp ? item : await deleteObject(client, type, item);
          if (still) left.push(still);
        }
        if (left.length === 0) return;
        report.remaining.set(resource, left.length);
        for (const item of left) for (const f of item.metadata?.finalizers ?? []) report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + 1);
        // Objects held by finalizers, or pods within their grace period, are expected to linger.
        const stuck = left.filter((item) => !item.metadata?.finalizers?.length && !(Date.parse(item.metadata?.deletionTimestamp ?? '') > now));
        if (stuck.length > 0) report.deleteErrors.push(`unexpected items still remain in namespace: ${namespace} for gvr: ${type.group}/${type.version}, Resource=${type.plural}`);
      } catch (err) {
        report.deleteErrors.push(`failed to delete ${resource} in namespace ${namespace}: ${errorMessage(err)}`);
      }
    }),
  );
  return { report, found };
}

/** The object if it is still there (terminating), undefined once gone. */
async function deleteObject(client: Client, type: ResourceType, item: KubeObject): Promise<KubeObject | undefined> {
  try {
    return await client.delete(type, item.metadata?.namespace, item.metadata!.name!, { propagationPolicy: 'Background', preconditions: { uid: item.metadata?.uid } });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Built-in namespaced kinds and the namespaced kinds of established CRDs (read live, as discovery is). */
async function namespacedTypes(client: Client): Promise<{ types: ResourceType[]; discoveryError?: string }> {
  const builtins = deletableBuiltinTypes.filter((t) => t.namespaced);
  try {
    const { items } = await client.list<CustomResourceDefinition & KubeObject>(types.customResourceDefinitions);
    const custom = items.map(customResourceType).filter((t): t is ResourceType => t?.namespaced === true);
    return { types: [...builtins, ...custom] };
  } catch (err) {
    return { types: builtins, discoveryError: `unable to retrieve the custom resource definitions: ${errorMessage(err)}` };
  }
}
