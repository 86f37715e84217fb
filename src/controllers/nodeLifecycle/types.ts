// The objects node lifecycle handles: kubernetes-types' shapes as plain JSON the client carries.

import type { KubeObject } from '../../api/kind.ts';
import type { Node as NodeType, Pod as PodType } from 'kubernetes-types/core/v1.js';
import type { Lease as LeaseType } from 'kubernetes-types/coordination/v1.js';

export type Node = NodeType & KubeObject;
export type Pod = PodType & KubeObject;
export type Lease = LeaseType & KubeObject;
export type { NodeCondition, Taint, Toleration } from 'kubernetes-types/core/v1.js';
