// Every controller the controller manager runs.

import type { Controller } from './controller.ts';
import { nodeLifecycleController } from './nodeLifecycle/nodeLifecycleController.ts';
import { taintEvictionController } from './taintEviction/taintEvictionController.ts';
import { replicaSetController } from './replicaSet/replicaSetController.ts';
import { deploymentController } from './deployment/deploymentController.ts';

export const allControllers: Controller[] = [replicaSetController, deploymentController, nodeLifecycleController, taintEvictionController];
