import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiextensionsKinds } from './apiextensions.ts';

const crds = apiextensionsKinds[0];
const messages = (errors: { field: string; message: string }[]) => errors.map((e) => `${e.field}: ${e.message}`);
const schema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } };

function newCRD(spec: any = {}, metadata: any = {}): any {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com', ...metadata },
    spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget', shortNames: ['wg'] }, versions: [{ name: 'v1', served: true, storage: true, schema }], ...spec },
  };
  crds.defaults!(crd);
  return crd;
}

test('a CRD gets its singular, list kind, conversion and stored version filled in', () => {
  const crd = newCRD();
  assert.equal(crd.spec.names.singular, 'widget');
  assert.equal(crd.spec.names.listKind, 'WidgetList');
  assert.deepEqual(crd.spec.conversion, { strategy: 'None' });
  assert.deepEqual(crd.status.storedVersions, ['v1']);
  assert.deepEqual(crds.validate!(crd), []);
  assert.deepEqual(crds.columns!.map((c) => c.name), ['Created At']);
});

test('a new storage version is recorded next to the old one', () => {
  const crd = newCRD();
  crd.spec.versions = [{ name: 'v1', served: true, storage: false, schema }, { name: 'v2', served: true, storage: true, schema }];
  crds.defaults!(crd);
  assert.deepEqual(crd.status.storedVersions, ['v1', 'v2']);
});

test('the name is plural.group and the group a domain', () => {
  assert.deepEqual(messages(crds.validate!(newCRD({}, { name: 'widget.example.com' }))), ['metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group']);
  assert.deepEqual(messages(crds.validate!(newCRD({ group: 'example' }, { name: 'widgets.example' }))), ['spec.group: Invalid value: "example": should be a domain with at least one dot']);
});

test('versions: one storage version, unique DNS-1035 names, schemas with an object root', () => {
  const versions = [
    { name: 'v1', served: true, storage: true, schema },
    { name: 'V2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'string' } } },
    { name: 'v3', served: false, storage: false },
  ];
  assert.deepEqual(messages(crds.validate!(newCRD({ versions }))), [
    'spec.versions[2].schema.openAPIV3Schema: Required value',
    "spec.versions[1].name: Invalid value: \"V2\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    'spec.versions[1].schema.openAPIV3Schema.type: Invalid value: "string": must be object at the root',
    'spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{apiextensions.CustomResourceDefinitionVersion{Name:"v1", Served:true, Storage:true, ...}, apiextensions.CustomResourceDefinitionVersion{Name:"V2", Served:true, Storage:true, ...}, apiextensions.CustomResourceDefinitionVersion{Name:"v3", Served:false, Storage:false, ...}}: must have exactly one version marked as storage version',
    // Only the first storage version is recorded, so the second reads as unrecorded.
    'status.storedVersions: Invalid value: []string{"v1"}: must have the storage version V2',
  ]);
});

test('a schema shared by every version is reported at spec.validation, as upstream', () => {
  const root = { openAPIV3Schema: { properties: {} } };
  assert.deepEqual(messages(crds.validate!(newCRD({ versions: [{ name: 'v1', served: true, storage: true, schema: root }] }))), [
    'spec.validation.openAPIV3Schema.type: Required value: must not be empty at the root',
  ]);
});

test('scope, kinds and scale paths', () => {
  const crd = newCRD({ scope: 'Global', names: { plural: 'widgets', kind: 'Widget', listKind: 'Widget' } });
  crd.spec.versions[0].subresources = { scale: { specReplicasPath: '.status.replicas', statusReplicasPath: '.status.replicas' } };
  assert.deepEqual(messages(crds.validate!(crd)), [
    'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
    'spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same',
    'spec.subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec',
  ]);
});

test('groups of the Kubernetes project need an approval annotation', () => {
  const gateway = (annotations?: Record<string, string>) =>
    newCRD({ group: 'gateway.networking.k8s.io', names: { plural: 'gateways', kind: 'Gateway' } }, { name: 'gateways.gateway.networking.k8s.io', annotations });
  assert.deepEqual(crds.validate!(gateway({ 'api-approved.kubernetes.io': 'https://github.com/kubernetes-sigs/gateway-api/pull/2466' })), []);
  assert.deepEqual(crds.validate!(gateway({ 'api-approved.kubernetes.io': 'unapproved, experimental' })), []);
  assert.deepEqual(messages(crds.validate!(gateway())), [
    'metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111',
  ]);
});

test('webhook conversion needs a client config and review versions; group and plural stay', () => {
  const crd = newCRD({ conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v2'] } } });
  assert.deepEqual(messages(crds.validate!(crd)), [
    'spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook',
    'spec.conversion.conversionReviewVersions: Invalid value: []string{"v2"}: must include at least one of v1, v1beta1',
  ]);
  const old = newCRD();
  const renamed = newCRD({ names: { plural: 'gadgets', kind: 'Widget' } }, { name: 'gadgets.example.com' });
  assert.deepEqual(messages(crds.validate!(renamed, old)), ['spec.names.plural: Invalid value: "gadgets": field is immutable']);
});
