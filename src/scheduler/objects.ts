// The API objects the scheduler reads: kubernetes-types' shapes as the plain JSON the client carries.

import type { KubeObject } from '../api/kind.ts';
import type { Namespace as NamespaceType, Node as NodeType, Pod as PodType, Service as ServiceType } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet as ReplicaSetType, StatefulSet as StatefulSetType } from 'kubernetes-types/apps/v1.js';

export type Pod = PodType & KubeObject;
export type Node = NodeType & KubeObject;
export type Namespace = NamespaceType & KubeObject;
export type Service = ServiceType & KubeObject;
export type ReplicaSet = ReplicaSetType & KubeObject;
export type StatefulSet = StatefulSetType & KubeObject;
