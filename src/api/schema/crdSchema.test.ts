import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadBuiltinSchemas } from './builtinSchemas.ts';
import { componentsFor } from './components.ts';
import { crdComponentName, schemaFromJsonSchemaProps } from './crdSchema.ts';

const gvk = { group: 'stable.example.com', version: 'v1', kind: 'CronTab' };

const openAPIV3Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['cronSpec'],
      properties: {
        cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
        replicas: { type: 'integer', format: 'int32', minimum: 1, maximum: 10, default: 1 },
        port: { 'x-kubernetes-int-or-string': true },
        mode: { type: 'string', enum: ['a', 'b'] },
        tags: {
          type: 'array',
          items: { type: 'object', properties: { key: { type: 'string' } } },
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['key'],
        },
        labels: { type: 'object', additionalProperties: { type: 'string' }, 'x-kubernetes-map-type': 'atomic' },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        either: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
      },
      'x-kubernetes-validations': [{ rule: 'self.replicas <= 10', message: 'too many' }],
    },
    metadata: { type: 'object' },
  },
};

test('a CRD schema becomes a named, frozen Schema with its x-kubernetes extensions', () => {
  const schema = schemaFromJsonSchemaProps(openAPIV3Schema, gvk);
  assert.equal(schema.name, 'com.example.stable.v1.CronTab');
  assert.deepEqual(schema['x-kubernetes-group-version-kind'], [gvk]);
  assert.ok(Object.isFrozen(schema) && Object.isFrozen(schema.properties!.spec));
  const spec = schema.properties!.spec;
  assert.deepEqual(spec.required, ['cronSpec']);
  assert.deepEqual(spec['x-kubernetes-validations'], [{ rule: 'self.replicas <= 10', message: 'too many' }]);
  const p = spec.properties!;
  assert.deepEqual(p.replicas, { type: 'integer', format: 'int32', default: 1, minimum: 1, maximum: 10 });
  assert.equal(p.cronSpec.pattern, openAPIV3Schema.properties.spec.properties.cronSpec.pattern);
  assert.equal(p.port['x-kubernetes-int-or-string'], true);
  assert.deepEqual(p.mode.enum, ['a', 'b']);
  assert.equal(p.tags['x-kubernetes-list-type'], 'map');
  assert.deepEqual(p.tags['x-kubernetes-list-map-keys'], ['key']);
  assert.equal(p.tags.items!.properties!.key.type, 'string');
  assert.equal(p.labels['x-kubernetes-map-type'], 'atomic');
  assert.equal(p.labels.additionalProperties!.type, 'string');
  assert.equal(p.extra['x-kubernetes-preserve-unknown-fields'], true);
  assert.deepEqual(p.either.anyOf, [{ type: 'integer' }, { type: 'string' }]);
});

test('the root and embedded resources get apiVersion, kind and the built-in ObjectMeta', () => {
  const schema = schemaFromJsonSchemaProps(openAPIV3Schema, gvk);
  const objectMeta = loadBuiltinSchemas().byName('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')!;
  for (const resource of [schema, schema.properties!.spec.properties!.template]) {
    assert.equal(resource.properties!.metadata.ref, objectMeta);
    assert.equal(resource.properties!.metadata.properties, objectMeta.properties);
    assert.equal(resource.properties!.apiVersion.type, 'string');
    assert.match(resource.properties!.kind.description ?? '', /REST resource/);
  }
  const components = componentsFor([schema]) as Record<string, any>;
  assert.deepEqual(components['com.example.stable.v1.CronTab'].properties.metadata.allOf, [
    { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
  ]);
  assert.ok(components['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
  assert.equal(components['com.example.stable.v1.CronTab'].properties.spec.properties.replicas.maximum, 10);
});

test('the input is copied, not shared', () => {
  const input = structuredClone(openAPIV3Schema);
  const schema = schemaFromJsonSchemaProps(input, gvk);
  input.properties.spec.properties.mode.enum.push('c');
  assert.deepEqual(schema.properties!.spec.properties!.mode.enum, ['a', 'b']);
});

test('component names reverse the group', () => {
  assert.equal(crdComponentName({ group: 'cert-manager.io', version: 'v1', kind: 'Certificate' }), 'io.cert-manager.v1.Certificate');
});
