// Every controller the controller manager runs, and the --controllers flag that picks them.

import type { Controller } from './controller.ts';
import { replicaSetController } from './replicaSet/replicaSetController.ts';
import { deploymentController } from './deployment/deploymentController.ts';
import { garbageCollectorController } from './garbageCollector/garbageCollectorController.ts';
import { namespaceController } from './namespace/namespaceController.ts';
import { endpointsController } from './endpoints/endpointsController.ts';
import { endpointSliceController } from './endpointSlice/endpointSliceController.ts';
import { serviceAccountController } from './serviceAccount/serviceAccountController.ts';
import { nodeLifecycleController } from './nodeLifecycle/nodeLifecycleController.ts';
import { taintEvictionController } from './taintEviction/taintEvictionController.ts';
import { nodeIpamController } from './nodeIpam/nodeIpamController.ts';
import { serviceLBController } from './serviceLB/serviceLBController.ts';

export const allControllers: Controller[] = [
  replicaSetController,
  deploymentController,
  garbageCollectorController,
  namespaceController,
  endpointsController,
  endpointSliceController,
  serviceAccountController,
  nodeLifecycleController,
  taintEvictionController,
  nodeIpamController,
  serviceLBController,
];

/** A controller's name in --controllers: "replicaset" for "replicaset-controller". */
export const flagName = (c: Controller) => c.name.replace(/-controller$/, '');

/**
 * Upstream's --controllers syntax: "*" is every controller, "name" adds one, "-name" removes
 * one; an empty list runs none.
 */
export function selectControllers(spec: string): Controller[] {
  const items = spec.split(',').map((s) => s.trim()).filter(Boolean);
  const known = new Map(allControllers.map((c) => [flagName(c), c]));
  for (const item of items) {
    const name = item.replace(/^-/, '');
    if (name !== '*' && !known.has(name)) throw new Error(`--controllers: unknown controller "${name}" (known: ${[...known.keys()].join(', ')})`);
  }
  const everything = items.includes('*');
  return allControllers.filter((c) => {
    const name = flagName(c);
    if (items.includes(`-${name}`)) return false;
    return everything || items.includes(name);
  });
}
