// Test data for the patch tests: a Deployment-shaped schema carrying the same patch and apply
// extensions as the real apps/v1 and core/v1 types (trimmed to the fields the tests use).

import type { Schema } from '../../api/schema/schema.ts';

const string: Schema = { type: 'string' };
const integer: Schema = { type: 'integer', format: 'int32' };
const boolean: Schema = { type: 'boolean' };
const stringMap: Schema = { type: 'object', additionalProperties: string };
const quantityMap: Schema = { type: 'object', additionalProperties: { 'x-kubernetes-int-or-string': true } };

const objectMeta: Schema = {
  name: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
  type: 'object',
  properties: {
    name: string,
    namespace: string,
    uid: string,
    resourceVersion: string,
    generation: { type: 'integer', format: 'int64' },
    creationTimestamp: { type: 'string', format: 'date-time' },
    labels: stringMap,
    annotations: stringMap,
    finalizers: { type: 'array', items: string, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
    managedFields: { type: 'array', items: { type: 'object' }, 'x-kubernetes-list-type': 'atomic' },
  },
};

const labelSelector: Schema = {
  name: 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
  type: 'object',
  properties: { matchLabels: stringMap, matchExpressions: { type: 'array', items: { type: 'object', properties: { key: string, operator: string, values: { type: 'array', items: string } } } } },
  'x-kubernetes-map-type': 'atomic',
};

const containerPort: Schema = {
  name: 'io.k8s.api.core.v1.ContainerPort',
  type: 'object',
  properties: { name: string, containerPort: integer, protocol: { type: 'string', default: 'TCP' } },
};

const envVar: Schema = { name: 'io.k8s.api.core.v1.EnvVar', type: 'object', properties: { name: string, value: string } };

const container: Schema = {
  name: 'io.k8s.api.core.v1.Container',
  type: 'object',
  properties: {
    name: string,
    image: string,
    args: { type: 'array', items: string },
    command: { type: 'array', items: string },
    ports: {
      type: 'array',
      items: containerPort,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'containerPort',
    },
    env: { type: 'array', items: envVar, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' },
    resources: { name: 'io.k8s.api.core.v1.ResourceRequirements', type: 'object', properties: { limits: quantityMap, requests: quantityMap } },
    securityContext: { name: 'io.k8s.api.core.v1.SecurityContext', type: 'object', properties: { runAsUser: { type: 'integer', format: 'int64' }, privileged: boolean } },
  },
};

const volume: Schema = {
  name: 'io.k8s.api.core.v1.Volume',
  type: 'object',
  properties: {
    name: string,
    emptyDir: { type: 'object', properties: { medium: string } },
    hostPath: { type: 'object', properties: { path: string, type: string } },
    configMap: { type: 'object', properties: { name: string, optional: boolean } },
  },
};

const podSpec: Schema = {
  name: 'io.k8s.api.core.v1.PodSpec',
  type: 'object',
  properties: {
    containers: {
      type: 'array',
      items: container,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'name',
    },
    volumes: {
      type: 'array',
      items: volume,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-patch-strategy': 'merge,retainKeys',
      'x-kubernetes-patch-merge-key': 'name',
    },
    tolerations: { type: 'array', items: { type: 'object', properties: { key: string, operator: string, effect: string } }, 'x-kubernetes-list-type': 'atomic' },
    nodeSelector: { ...stringMap, 'x-kubernetes-map-type': 'atomic' },
    restartPolicy: string,
    hostname: string,
  },
};

const strategy: Schema = {
  name: 'io.k8s.api.apps.v1.DeploymentStrategy',
  type: 'object',
  'x-kubernetes-patch-strategy': 'retainKeys',
  properties: {
    type: string,
    rollingUpdate: { type: 'object', properties: { maxSurge: { 'x-kubernetes-int-or-string': true }, maxUnavailable: { 'x-kubernetes-int-or-string': true } } },
  },
};

export const deploymentSchema: Schema = {
  name: 'io.k8s.api.apps.v1.Deployment',
  type: 'object',
  'x-kubernetes-group-version-kind': [{ group: 'apps', version: 'v1', kind: 'Deployment' }],
  properties: {
    apiVersion: string,
    kind: string,
    metadata: objectMeta,
    spec: {
      name: 'io.k8s.api.apps.v1.DeploymentSpec',
      type: 'object',
      properties: {
        replicas: integer,
        paused: boolean,
        selector: labelSelector,
        strategy,
        template: { name: 'io.k8s.api.core.v1.PodTemplateSpec', type: 'object', properties: { metadata: objectMeta, spec: podSpec } },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        data: { type: 'object', additionalProperties: { type: 'object', properties: { value: string } } },
      },
    },
    status: { type: 'object', properties: { replicas: integer, readyReplicas: integer } },
  },
};
