import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dns1035Label, dns1123Label, dns1123Subdomain, duplicate, goValue, immutable, invalidValue, required, unsupported, validateAnnotations,
  validateCIDR, validateLabelSelector, validateLabels, validateNonSpecialIP, validateObjectMeta, validateObjectMetaUpdate, selectorMatches,
} from './validation.ts';

test('a bad object name is reported with the upstream RFC 1123 subdomain wording', () => {
  assert.deepEqual(dns1123Subdomain('Foo_Bar', 'metadata.name'), [
    {
      type: 'FieldValueInvalid',
      field: 'metadata.name',
      message:
        "Invalid value: \"Foo_Bar\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    },
  ]);
});

test('DNS labels: too long, dots, and the DNS-1035 first-letter rule', () => {
  assert.equal(dns1123Label('a'.repeat(64), 'f')[0].message, `Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`);
  assert.equal(dns1123Label('a.b', 'f')[0].message, 'Invalid value: "a.b": must not contain dots');
  assert.deepEqual(dns1123Label('123-abc', 'f'), []);
  assert.match(dns1035Label('1abc', 'metadata.name')[0].message, /a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/);
  assert.match(dns1035Label('1abc', 'metadata.name')[0].message, /\(e\.g\. 'my-name',  or 'abc-123', regex used for validation is '\[a-z\]\(\[-a-z0-9\]\*\[a-z0-9\]\)\?'\)$/);
});

test('field error constructors speak upstream field.ErrorBody', () => {
  assert.equal(required('spec.containers', '').message, 'Required value');
  assert.equal(unsupported('spec.restartPolicy', 'Foo', ['Always', 'IfNotPresent', 'Never']).message, 'Unsupported value: "Foo": supported values: "Always", "IfNotPresent", "Never"');
  assert.equal(invalidValue('spec.template.metadata.labels', { app: 'x' }, '`selector` does not match template `labels`').message, 'Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`');
  assert.equal(immutable('spec.clusterIP', '10.0.0.1').message, 'Invalid value: "10.0.0.1": field is immutable');
  assert.equal(immutable('spec.selector').message, 'Invalid value: field is immutable');
  assert.equal(duplicate('spec.containers[1].name', 'web').message, 'Duplicate value: "web"');
  assert.equal(goValue(3), '3');
  assert.equal(goValue(null), 'null');
  assert.equal(goValue(['b', 'a']), '[]string{"b", "a"}');
  assert.equal(goValue('tab\there'), '"tab\\there"');
});

test('labels: keys are qualified names, values short and alphanumeric-bounded', () => {
  assert.deepEqual(validateLabels({ 'example.com/app': 'web', tier: '' }, 'metadata.labels'), []);
  const errs = validateLabels({ 'bad key': 'x', ok: '-bad' }, 'metadata.labels');
  assert.equal(errs.length, 2);
  assert.match(errs[0].message, /^Invalid value: "bad key": name part must consist of alphanumeric characters/);
  assert.match(errs[1].message, /^Invalid value: "-bad": a valid label must be an empty string or consist of alphanumeric characters/);
  assert.match(validateLabels({ '/x': 'y' }, 'l')[0].message, /prefix part must be non-empty/);
  assert.match(validateLabels({ 'a/b/c': 'y' }, 'l')[0].message, /^Invalid value: "a\/b\/c": a qualified name must consist of/);
});

test('annotations may total at most 256 KiB', () => {
  assert.deepEqual(validateAnnotations({ note: 'x'.repeat(1000) }, 'metadata.annotations'), []);
  const errs = validateAnnotations({ note: 'x'.repeat(256 * 1024) }, 'metadata.annotations');
  assert.deepEqual(errs, [{ type: 'FieldValueTooLong', field: 'metadata.annotations', message: 'Too long: may not be more than 262144 bytes' }]);
});

test('object metadata: name rules per kind, namespace presence, owners, finalizers', () => {
  assert.deepEqual(validateObjectMeta({ name: 'web', namespace: 'default' }, { namespaced: true }), []);
  assert.deepEqual(validateObjectMeta({ namespace: 'default' }, { namespaced: true }), [
    { type: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' },
  ]);
  assert.deepEqual(validateObjectMeta({ name: 'x' }, { namespaced: true }), [{ type: 'FieldValueRequired', field: 'metadata.namespace', message: 'Required value' }]);
  assert.deepEqual(validateObjectMeta({ name: 'x', namespace: 'ns' }, { namespaced: false }), [
    { type: 'FieldValueForbidden', field: 'metadata.namespace', message: 'Forbidden: not allowed on this type' },
  ]);
  assert.equal(validateObjectMeta({ name: 'my.svc', namespace: 'd' }, { namespaced: true, nameValidator: dns1035Label }).length, 1);
  const owners = validateObjectMeta(
    { name: 'x', namespace: 'd', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'A', name: 'a', uid: '1', controller: true }, { apiVersion: 'apps/v1', kind: 'B', name: 'b', uid: '2', controller: true }] },
    { namespaced: true },
  );
  assert.equal(owners[0].message, 'Invalid value: [{"apiVersion":"apps/v1","kind":"A","name":"a","uid":"1","controller":true},{"apiVersion":"apps/v1","kind":"B","name":"b","uid":"2","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for A/a and B/b');
  assert.equal(validateObjectMeta({ name: 'x', namespace: 'd', finalizers: ['orphan', 'foregroundDeletion'] }, { namespaced: true }).length, 1);
});

test('generateName is checked as a prefix and reported as given', () => {
  assert.deepEqual(validateObjectMeta({ name: 'web-x1', generateName: 'web-', namespace: 'd' }, { namespaced: true }), []);
  const errs = validateObjectMeta({ name: 'ok', generateName: 'Web-', namespace: 'd' }, { namespaced: true });
  assert.equal(errs[0].field, 'metadata.generateName');
  assert.match(errs[0].message, /^Invalid value: "Web-": a lowercase RFC 1123 subdomain/);
});

test('metadata updates: names and uid are immutable, generation may not go back', () => {
  const old = { name: 'a', namespace: 'd', uid: 'u1', generation: 2 };
  assert.deepEqual(validateObjectMetaUpdate({ ...old }, old), []);
  const errs = validateObjectMetaUpdate({ ...old, name: 'b', uid: 'u2', generation: 1 }, old);
  assert.deepEqual(errs.map((e) => e.field), ['metadata.generation', 'metadata.name', 'metadata.uid']);
  assert.equal(errs[1].message, 'Invalid value: "b": field is immutable');
  const deleting = { ...old, deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['a/b'] };
  assert.match(validateObjectMetaUpdate({ ...deleting, finalizers: ['a/b', 'c/d'] }, deleting)[0].message, /no new finalizers can be added if the object is being deleted, found new finalizers \[\]string\{"c\/d"\}/);
});

test('label selectors: operators and their values', () => {
  assert.deepEqual(validateLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] }, 'spec.selector'), []);
  const errs = validateLabelSelector({ matchExpressions: [{ key: 'k', operator: 'In' }, { key: 'k', operator: 'Exists', values: ['x'] }, { key: 'k', operator: 'Near' }] }, 'spec.selector');
  assert.deepEqual(errs.map((e) => `${e.field}: ${e.message}`), [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    'spec.selector.matchExpressions[2].operator: Invalid value: "Near": not a valid selector operator',
  ]);
  assert.equal(selectorMatches({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, { app: 'web', env: 'dev' }), true);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, { app: 'web' }), false);
});

test('IPs and CIDRs', () => {
  assert.deepEqual(validateCIDR('10.0.0.0/24', 'c'), []);
  assert.deepEqual(validateCIDR('fd00::/64', 'c'), []);
  assert.equal(validateCIDR('10.0.0.0/33', 'c').length, 1);
  assert.deepEqual(validateNonSpecialIP('10.1.2.3', 'ip'), []);
  assert.equal(validateNonSpecialIP('127.0.0.1', 'ip')[0].message, 'Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)');
  assert.equal(validateNonSpecialIP('169.254.1.1', 'ip').length, 1);
  assert.equal(validateNonSpecialIP('::', 'ip')[0].message, 'Invalid value: "::": may not be unspecified (::)');
});
