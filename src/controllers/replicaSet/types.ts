// The workload objects as the workload controllers see them: kubernetes-types' shapes, and
// plain JSON objects the client can carry (KubeObject).

import type { KubeObject } from '../../api/kind.ts';
import type { Pod as PodType, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { Deployment as DeploymentType, ReplicaSet as ReplicaSetType } from 'kubernetes-types/apps/v1.js';

export type Pod = PodType & KubeObject;
export type ReplicaSet = ReplicaSetType & KubeObject;
export type Deployment = DeploymentType & KubeObject;
export type { PodTemplateSpec };
