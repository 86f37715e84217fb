// The objects components handle: kubernetes-types' shapes as the plain JSON objects the
// client carries (KubeObject), named once for everyone.

import type { KubeObject } from './kind.ts';
import type * as core from 'kubernetes-types/core/v1.js';
import type * as apps from 'kubernetes-types/apps/v1.js';
import type * as coordination from 'kubernetes-types/coordination/v1.js';
import type * as discovery from 'kubernetes-types/discovery/v1.js';

export type Pod = core.Pod & KubeObject;
export type Node = core.Node & KubeObject;
export type Service = core.Service & KubeObject;
export type Endpoints = core.Endpoints & KubeObject;
export type Namespace = core.Namespace & KubeObject;
export type ServiceAccount = core.ServiceAccount & KubeObject;
export type ReplicaSet = apps.ReplicaSet & KubeObject;
export type Deployment = apps.Deployment & KubeObject;
export type Lease = coordination.Lease & KubeObject;
export type EndpointSlice = discovery.EndpointSlice & KubeObject;
export type { PodTemplateSpec, NodeCondition, Taint, Toleration } from 'kubernetes-types/core/v1.js';
