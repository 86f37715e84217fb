// apps/v1: the workload controllers' kinds, one file each under apps/.

import type { KindDeclaration } from '../kind.ts';
import { controllerRevision } from './apps/controllerRevision.ts';
import { daemonSet } from './apps/daemonSet.ts';
import { deployment } from './apps/deployment.ts';
import { replicaSet } from './apps/replicaSet.ts';
import { statefulSet } from './apps/statefulSet.ts';

export const appsKinds: KindDeclaration[] = [deployment, replicaSet, statefulSet, daemonSet, controllerRevision];
