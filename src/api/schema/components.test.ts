import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadBuiltinSchemas } from './builtinSchemas.ts';
import { componentsFor } from './components.ts';
import type { Schema } from './schema.ts';

const schemas = loadBuiltinSchemas();
const deployment = schemas.byKind({ group: 'apps', version: 'v1', kind: 'Deployment' })!;
const crd = schemas.byKind({ group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' })!;

type Json = Record<string, any>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function refsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref') found.add(String(child).replace('#/components/schemas/', ''));
      else refsIn(child, found);
    }
  }
  return found;
}

test('named types are emitted once and referenced; described fields wrap the $ref in allOf', () => {
  const components = componentsFor([deployment]) as Record<string, Json>;
  const root = components['io.k8s.api.apps.v1.Deployment'];
  assert.deepEqual(root['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
  assert.deepEqual(root.properties.spec.allOf, [ref('io.k8s.api.apps.v1.DeploymentSpec')]);
  assert.match(root.properties.spec.description, /desired behavior/);
  assert.equal(root.properties.spec.type, undefined, 'a wrapped $ref carries only what the field adds');

  const strategy = components['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy;
  assert.deepEqual(strategy.allOf, [ref('io.k8s.api.apps.v1.DeploymentStrategy')]);
  assert.equal(strategy['x-kubernetes-patch-strategy'], 'retainKeys');
  assert.deepEqual(components['io.k8s.api.apps.v1.DeploymentStrategy'].properties.type.enum, ['Recreate', 'RollingUpdate']);

  const containers = components['io.k8s.api.core.v1.PodSpec'].properties.containers;
  assert.deepEqual(containers.items, ref('io.k8s.api.core.v1.Container'));
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.deepEqual(components['io.k8s.api.core.v1.ResourceRequirements'].properties.limits.additionalProperties,
    ref('io.k8s.apimachinery.pkg.api.resource.Quantity'));
  assert.deepEqual(components['io.k8s.apimachinery.pkg.apis.meta.v1.Time'], {
    description: components['io.k8s.apimachinery.pkg.apis.meta.v1.Time'].description,
    type: 'string',
    format: 'date-time',
  });
  const intOrString = components['io.k8s.apimachinery.pkg.util.intstr.IntOrString'];
  assert.equal(intOrString.format, 'int-or-string');

  for (const name of refsIn(components)) assert.ok(components[name], `dangling $ref ${name}`);
  const text = JSON.stringify(components);
  assert.equal(text.split('"managedFields":').length - 1, 1, 'ObjectMeta is written once');
  assert.ok(!text.includes('"ref"') && !text.includes('"name":"io.k8s'), 'internal keys stay out');
});

test('several roots share their components', () => {
  const pod = schemas.byKind({ group: '', version: 'v1', kind: 'Pod' })!;
  const both = componentsFor([deployment, pod]);
  assert.ok(both['io.k8s.api.core.v1.Pod'] && both['io.k8s.api.apps.v1.Deployment']);
  assert.deepEqual(both['io.k8s.api.core.v1.PodSpec'], componentsFor([pod])['io.k8s.api.core.v1.PodSpec']);
  assert.deepEqual(Object.keys(both), [...Object.keys(both)].sort());
});

test('recursive JSONSchemaProps ends in a $ref to itself', () => {
  const components = componentsFor([crd]) as Record<string, Json>;
  const name = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps';
  const props = components[name];
  assert.deepEqual(props.properties.properties.additionalProperties, ref(name));
  assert.deepEqual(props.properties.not, ref(name));
  assert.deepEqual(props.properties.allOf.items, ref(name));
  assert.equal(props.properties['x-kubernetes-validations']['x-kubernetes-list-type'], 'map');
  assert.ok(JSON.stringify(components).length < 1_000_000);
});

test('a root needs a name', () => {
  const anonymous: Schema = { type: 'object' };
  assert.throws(() => componentsFor([anonymous]), /needs a name/);
});
