import assert from 'node:assert/strict';
import { test } from 'node:test';
import { typesWithFieldFacts, typesWithTypeFacts } from './builtinFacts.ts';
import { componentName, INT_OR_STRING, loadBuiltinSchemas } from './builtinSchemas.ts';
import type { Schema } from './schema.ts';

const schemas = loadBuiltinSchemas();

function kind(group: string, version: string, name: string): Schema {
  const schema = schemas.byKind({ group, version, kind: name });
  assert.ok(schema, `no schema for ${group}/${version} ${name}`);
  return schema;
}

function named(name: string): Schema {
  const schema = schemas.byName(name);
  assert.ok(schema, `no schema named ${name}`);
  return schema;
}

function field(schema: Schema, path: string): Schema {
  let node = schema;
  for (const step of path.split('.')) {
    const next = step === '[]' ? node.items : node.properties?.[step];
    assert.ok(next, `no ${step} in ${path}`);
    node = next;
  }
  return node;
}

test('every kind skiff serves has a root schema named as upstream names it', () => {
  const wanted: [string, string, string[]][] = [
    ['', 'v1', ['Namespace', 'Pod', 'Service', 'Endpoints', 'ConfigMap', 'Secret', 'ServiceAccount', 'Event',
      'Node', 'PersistentVolume', 'PersistentVolumeClaim', 'ResourceQuota', 'LimitRange', 'Binding',
      'PodTemplate', 'Status', 'DeleteOptions', 'APIResourceList', 'APIGroupList', 'APIVersions']],
    ['apps', 'v1', ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ControllerRevision', 'DeploymentList']],
    ['batch', 'v1', ['Job', 'CronJob']],
    ['autoscaling', 'v1', ['HorizontalPodAutoscaler', 'Scale']],
    ['autoscaling', 'v2', ['HorizontalPodAutoscaler']],
    ['coordination.k8s.io', 'v1', ['Lease']],
    ['discovery.k8s.io', 'v1', ['EndpointSlice']],
    ['events.k8s.io', 'v1', ['Event']],
    ['networking.k8s.io', 'v1', ['Ingress', 'IngressClass', 'NetworkPolicy']],
    ['rbac.authorization.k8s.io', 'v1', ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']],
    ['storage.k8s.io', 'v1', ['StorageClass']],
    ['policy', 'v1', ['PodDisruptionBudget', 'Eviction']],
    ['scheduling.k8s.io', 'v1', ['PriorityClass']],
    ['apiextensions.k8s.io', 'v1', ['CustomResourceDefinition']],
    ['node.k8s.io', 'v1', ['RuntimeClass']],
    ['authorization.k8s.io', 'v1', ['SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview']],
    ['authentication.k8s.io', 'v1', ['TokenRequest', 'TokenReview']],
  ];
  for (const [group, version, kinds] of wanted) {
    for (const name of kinds) {
      const schema = kind(group, version, name);
      assert.ok(schema['x-kubernetes-group-version-kind']?.some((gvk) => gvk.group === group && gvk.kind === name));
    }
  }
  assert.equal(kind('apps', 'v1', 'Deployment').name, 'io.k8s.api.apps.v1.Deployment');
  assert.equal(kind('', 'v1', 'Pod').name, 'io.k8s.api.core.v1.Pod');
  assert.equal(kind('apps', 'v1', 'DeleteOptions').name, 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions');
  assert.equal(
    kind('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition').name,
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
  );
  assert.equal(schemas.byKind({ group: 'apps', version: 'v1', kind: 'Nope' }), undefined);
});

test('Deployment.spec.strategy is described, keeps its keys on patch, and types RollingUpdate or Recreate', () => {
  const strategy = field(kind('apps', 'v1', 'Deployment'), 'spec.strategy');
  assert.match(strategy.description ?? '', /strategy to use to replace existing pods/);
  assert.equal(strategy['x-kubernetes-patch-strategy'], 'retainKeys');
  assert.equal(strategy.ref?.name, 'io.k8s.api.apps.v1.DeploymentStrategy');
  assert.deepEqual(field(strategy, 'type').enum, ['Recreate', 'RollingUpdate']);
  assert.match(field(strategy, 'type').description ?? '', /Recreate/);
  assert.equal(field(strategy, 'rollingUpdate.maxSurge').ref?.name, INT_OR_STRING);
});

test('DeploymentSpec requires selector and template', () => {
  const spec = named('io.k8s.api.apps.v1.DeploymentSpec');
  assert.ok(spec.required?.includes('selector'));
  assert.ok(spec.required?.includes('template'));
  assert.equal(field(spec, 'replicas').format, 'int32');
});

test('strategic merge keys: containers by name, ports by containerPort, volumes retain keys', () => {
  const podSpec = named('io.k8s.api.core.v1.PodSpec');
  const containers = field(podSpec, 'containers');
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(containers['x-kubernetes-list-type'], 'map');
  assert.deepEqual(containers['x-kubernetes-list-map-keys'], ['name']);
  assert.equal(containers.items, named('io.k8s.api.core.v1.Container'));
  const ports = field(containers, '[].ports');
  assert.equal(ports['x-kubernetes-patch-merge-key'], 'containerPort');
  assert.deepEqual(ports['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
  assert.equal(field(ports, '[].protocol').default, 'TCP');
  assert.equal(field(podSpec, 'volumes')['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  assert.equal(field(podSpec, 'tolerations')['x-kubernetes-list-type'], 'atomic');
  assert.equal(field(podSpec, 'tolerations')['x-kubernetes-patch-strategy'], undefined);
  const meta = named('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.equal(field(meta, 'ownerReferences')['x-kubernetes-patch-merge-key'], 'uid');
  assert.equal(field(meta, 'finalizers')['x-kubernetes-list-type'], 'set');
  assert.equal(field(kind('', 'v1', 'Service'), 'spec.ports')['x-kubernetes-patch-merge-key'], 'port');
});

test('formats: bytes, 64-bit integers, date-times, quantities and atomic structs', () => {
  assert.deepEqual(field(kind('', 'v1', 'Secret'), 'data').additionalProperties, { type: 'string', format: 'byte' });
  assert.equal(field(kind('', 'v1', 'Secret'), 'stringData').additionalProperties?.format, undefined);
  assert.equal(field(kind('', 'v1', 'ConfigMap'), 'binaryData').additionalProperties?.format, 'byte');
  assert.equal(field(kind('', 'v1', 'Pod'), 'spec.terminationGracePeriodSeconds').format, 'int64');
  assert.equal(field(kind('', 'v1', 'Pod'), 'spec.securityContext.supplementalGroups.[]').format, 'int64');
  assert.equal(field(kind('', 'v1', 'Pod'), 'metadata.generation').format, 'int64');
  const created = field(kind('', 'v1', 'Pod'), 'metadata.creationTimestamp');
  assert.deepEqual([created.type, created.format], ['string', 'date-time']);
  const quantity = named('io.k8s.apimachinery.pkg.api.resource.Quantity');
  assert.deepEqual(quantity.oneOf, [{ type: 'string' }, { type: 'number' }]);
  assert.equal(field(named('io.k8s.api.core.v1.ResourceRequirements'), 'limits').additionalProperties, quantity);
  assert.equal(named('io.k8s.api.core.v1.ObjectReference')['x-kubernetes-map-type'], 'atomic');
  const jsonSchemaProps = named('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps');
  assert.equal(field(jsonSchemaProps, 'maximum').format, 'double');
});

test('IntOrString fields are named, integer-or-string, and keep their own description', () => {
  const targetPort = field(named('io.k8s.api.core.v1.ServicePort'), 'targetPort');
  assert.equal(targetPort['x-kubernetes-int-or-string'], true);
  assert.equal(targetPort.format, 'int-or-string');
  assert.equal(targetPort.type, undefined);
  assert.equal(targetPort.ref, named(INT_OR_STRING));
  assert.match(targetPort.description ?? '', /port to access on the pods/);
});

test('enums where upstream documents them', () => {
  const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  assert.deepEqual(field(kind('', 'v1', 'Service'), 'spec.type').enum, serviceTypes);
  assert.deepEqual(field(named('io.k8s.api.core.v1.Container'), 'imagePullPolicy').enum, ['Always', 'IfNotPresent', 'Never']);
  assert.deepEqual(field(named('io.k8s.api.core.v1.PodSpec'), 'restartPolicy').enum, ['Always', 'Never', 'OnFailure']);
  assert.deepEqual(field(named('io.k8s.api.core.v1.PersistentVolumeClaimSpec'), 'accessModes.[]').enum?.length, 4);
});

test('v1.31 and v1.32 fields are there; fields gone by v1.32 are not', () => {
  const podSpec = named('io.k8s.api.core.v1.PodSpec');
  assert.equal(field(podSpec, 'resources').ref?.name, 'io.k8s.api.core.v1.ResourceRequirements');
  assert.equal(field(named('io.k8s.api.core.v1.Volume'), 'image.reference').type, 'string');
  assert.equal(field(named('io.k8s.api.core.v1.ContainerStatus'), 'user.linux.uid').format, 'int64');
  const claim = named('io.k8s.api.core.v1.PodResourceClaim');
  assert.ok(claim.properties?.resourceClaimName);
  assert.equal(claim.properties?.source, undefined);
  assert.equal(schemas.byName('io.k8s.api.core.v1.ClaimSource'), undefined);
  assert.deepEqual(named('io.k8s.api.core.v1.HostAlias').required, ['ip']);
  const rule = named('io.k8s.api.authorization.v1.ResourceRule');
  assert.deepEqual(rule.required, ['verbs']);
  assert.deepEqual(Object.keys(rule.properties ?? {}), ['apiGroups', 'resourceNames', 'resources', 'verbs']);
  assert.ok(field(named('io.k8s.api.core.v1.ServiceSpec'), 'trafficDistribution'));
  const props = named('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps');
  assert.equal(field(props, 'x-kubernetes-validations')['x-kubernetes-patch-merge-key'], 'rule');
  assert.equal(field(props, 'x-kubernetes-preserve-unknown-fields').type, 'boolean');
});

test('recursive JSONSchemaProps is a cycle, not an endless tree', () => {
  const props = named('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps');
  assert.equal(field(props, 'properties').additionalProperties, props);
  assert.equal(field(props, 'not').properties, props.properties);
  assert.equal(named('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON').type, undefined);
});

test('every fact in the table names a real type and field', () => {
  for (const [type, fields] of typesWithFieldFacts()) {
    const schema = named(componentOfFactKey(type));
    for (const name of fields) assert.ok(schema.properties?.[name], `facts name ${type}.${name}, which does not exist`);
  }
  for (const type of typesWithTypeFacts()) named(componentOfFactKey(type));
});

test('the schemas are frozen and loaded once', () => {
  assert.equal(loadBuiltinSchemas(), schemas);
  const pod = kind('', 'v1', 'Pod');
  assert.ok(Object.isFrozen(pod) && Object.isFrozen(pod.properties) && Object.isFrozen(field(pod, 'spec')));
});

function componentOfFactKey(key: string): string {
  const dot = key.lastIndexOf('.');
  return componentName(key.slice(0, dot).replace('.', '/'), key.slice(dot + 1));
}
