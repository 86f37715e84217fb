// The RuntimeClasses every skiff cluster has: `process` (handler `process`, the process
// runtime, also what pods without a runtimeClassName get). Created at server start when
// missing; an existing one is left as its owner made it.

import type { RuntimeClass } from 'kubernetes-types/node/v1.js';
import { ApiError } from '../../../apiserver/errors.ts';
import type { Client } from '../../../client/client.ts';
import { resourceTypeOf } from '../../../client/resourceTypes.ts';
import type { KubeObject } from '../../kind.ts';
import { runtimeClass } from '../cluster/runtimeClass.ts';

export const builtinRuntimeClasses: RuntimeClass[] = [
  { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'process' }, handler: 'process' },
];

export async function ensureBuiltinRuntimeClasses(client: Client): Promise<void> {
  for (const rc of builtinRuntimeClasses) {
    try {
      await client.create<RuntimeClass & KubeObject>(resourceTypeOf(runtimeClass), { ...rc } as RuntimeClass & KubeObject);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
    }
  }
}
