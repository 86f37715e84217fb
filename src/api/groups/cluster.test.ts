import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KindDeclaration } from '../kind.ts';
import { clusterKinds } from './cluster.ts';

const kind = (group: string, name: string) => clusterKinds.find((k) => k.group === group && k.kind === name) as KindDeclaration;
const cells = (decl: KindDeclaration, obj: any) => Object.fromEntries((decl.columns ?? []).map((c) => [c.name, c.cell(obj)]));
const messages = (errors: { field: string; message: string }[]) => errors.map((e) => `${e.field}: ${e.message}`);
const defaulted = (decl: KindDeclaration, obj: any) => (decl.defaults?.(obj), obj);

test('leases show their holder and need a positive duration', () => {
  const lease = kind('coordination.k8s.io', 'Lease');
  assert.equal(cells(lease, { spec: { holderIdentity: 'node-1' } }).Holder, 'node-1');
  assert.equal(cells(lease, { spec: {} }).Holder, '');
  assert.deepEqual(messages(lease.validate!({ spec: { leaseDurationSeconds: 0 } })), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
});

test('endpoint slices: default ports, list at most three, validate addresses by type', () => {
  const slices = kind('discovery.k8s.io', 'EndpointSlice');
  const slice = defaulted(slices, {
    addressType: 'IPv4',
    ports: [{ port: 80 }, { name: 'metrics', port: 9090 }],
    endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2', '10.0.0.3'] }, { addresses: ['10.0.0.4'] }],
  });
  assert.deepEqual(slice.ports[0], { port: 80, name: '', protocol: 'TCP' });
  const row = cells(slices, slice);
  assert.deepEqual([row.AddressType, row.Ports, row.Endpoints], ['IPv4', '80,9090', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...']);
  assert.deepEqual([cells(slices, { addressType: 'IPv4' }).Ports, cells(slices, { addressType: 'IPv4' }).Endpoints], ['<unset>', '<unset>']);
  assert.deepEqual(slices.validate!(slice), []);
  slice.endpoints[0].addresses = ['fd00::1'];
  assert.deepEqual(messages(slices.validate!(slice)), ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address']);
  assert.deepEqual(messages(slices.validate!({ ...slice, addressType: 'IPv6', endpoints: [] }, slice)), ['addressType: Invalid value: "IPv6": field is immutable']);
});

const ingresses = kind('networking.k8s.io', 'Ingress');

function newIngress(spec: any): any {
  return { metadata: { name: 'web', namespace: 'default' }, spec };
}

const backend = { service: { name: 'web', port: { number: 80 } } };

test('ingress columns: class, hosts, address and ports', () => {
  const ing = newIngress({ ingressClassName: 'nginx', rules: [{ host: 'a.example.com' }, {}, { host: 'b.example.com' }, { host: 'c.example.com' }, { host: 'd.example.com' }], tls: [{ hosts: ['a.example.com'] }] });
  ing.status = { loadBalancer: { ingress: [{ ip: '192.168.1.10' }, { hostname: 'lb.example.com' }] } };
  const row = cells(ingresses, ing);
  assert.deepEqual([row.Class, row.Hosts, row.Address, row.Ports], ['nginx', 'a.example.com,b.example.com,c.example.com + 2 more...', '192.168.1.10,lb.example.com', '80, 443']);
  const bare = cells(ingresses, newIngress({ defaultBackend: backend }));
  assert.deepEqual([bare.Class, bare.Hosts, bare.Address, bare.Ports], ['<none>', '*', '', '80']);
});

test('ingress rules need a path type, absolute paths and one backend', () => {
  const ok = newIngress({ rules: [{ host: '*.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }] });
  assert.deepEqual(ingresses.validate!(ok), []);
  const bad = newIngress({
    rules: [{ host: '10.0.0.1', http: { paths: [{ path: 'api', pathType: 'Exact', backend: { ...backend, resource: { kind: 'Bucket', name: 'b' } } }, { path: '/', backend }] } }],
  });
  assert.deepEqual(messages(ingresses.validate!(bad)), [
    'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
    'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path',
    'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends',
    'spec.rules[0].http.paths[1].pathType: Required value: pathType must be specified',
  ]);
  assert.deepEqual(messages(ingresses.validate!(newIngress({}))), ['spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified']);
});

test('ingress classes default their parameters scope and keep their controller', () => {
  const classes = kind('networking.k8s.io', 'IngressClass');
  const c = defaulted(classes, { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external' } } });
  assert.equal(c.spec.parameters.scope, 'Cluster');
  assert.equal(cells(classes, c).Parameters, 'IngressParameters.k8s.example.com/external');
  assert.deepEqual(classes.validate!(c), []);
  assert.deepEqual(messages(classes.validate!({ spec: { controller: 'nginx' } })), ['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']);
  assert.deepEqual(messages(classes.validate!({ ...c, spec: { ...c.spec, controller: 'example.com/other' } }, c)), ['spec.controller: Invalid value: "example.com/other": field is immutable']);
});

test('network policies default their policy types and port protocols', () => {
  const policies = kind('networking.k8s.io', 'NetworkPolicy');
  const np = defaulted(policies, { spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] } });
  assert.deepEqual(np.spec.policyTypes, ['Ingress', 'Egress']);
  assert.equal(np.spec.egress[0].ports[0].protocol, 'TCP');
  assert.equal(cells(policies, np)['Pod-Selector'], '<none>');
  const withBlock = defaulted(policies, { spec: { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24', '10.1.0.0/24'] } }, {}] }] } });
  assert.deepEqual(withBlock.spec.policyTypes, ['Ingress']);
  assert.deepEqual(messages(policies.validate!(withBlock)), [
    'spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`',
    'spec.ingress[0].from[1]: Required value: must specify a peer',
  ]);
});

const roles = kind('rbac.authorization.k8s.io', 'ClusterRole');
const roleBindings = kind('rbac.authorization.k8s.io', 'RoleBinding');
const clusterRoleBindings = kind('rbac.authorization.k8s.io', 'ClusterRoleBinding');

test('roles print the default table and may have colons in their names', () => {
  assert.deepEqual(roles.columns!.map((c) => [c.name, c.type]), [['Created At', 'date']]);
  assert.equal(cells(roles, { metadata: { creationTimestamp: '2024-01-01T00:00:00Z' } })['Created At'], '2024-01-01T00:00:00Z');
  assert.deepEqual(roles.nameValidator!('system:controller:job-controller', 'metadata.name'), []);
  assert.deepEqual(messages(roles.validate!({ rules: [{ apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], nonResourceURLs: ['/healthz'], resources: ['pods'] }] })), [
    'rules[0].verbs: Required value: verbs must contain at least one value',
    'rules[1].nonResourceURLs: Invalid value: []string{"/healthz"}: rules cannot apply to both regular resources and non-resource URLs',
  ]);
  const namespaced = kind('rbac.authorization.k8s.io', 'Role');
  assert.deepEqual(messages(namespaced.validate!({ rules: [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }] })), ['rules[0].nonResourceURLs: Invalid value: []string{"/metrics"}: namespaced rules cannot apply to non-resource URLs']);
});

test('bindings: defaulted api groups, subjects listed by kind, roleRef fixed', () => {
  const binding = defaulted(roleBindings, {
    metadata: { name: 'read', namespace: 'default' },
    roleRef: { kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'User', name: 'alice' }, { kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', name: 'ci', namespace: 'tools' }, { kind: 'ServiceAccount', name: 'bot' }],
  });
  assert.equal(binding.roleRef.apiGroup, 'rbac.authorization.k8s.io');
  assert.deepEqual(binding.subjects.map((s: any) => s.apiGroup), ['rbac.authorization.k8s.io', 'rbac.authorization.k8s.io', undefined, undefined]);
  const row = cells(roleBindings, binding);
  assert.deepEqual([row.Role, row.Users, row.Groups, row.ServiceAccounts], ['ClusterRole/view', 'alice', 'devs', 'tools/ci, bot']);
  assert.deepEqual(roleBindings.validate!(binding), []);
  const changed = { ...binding, roleRef: { ...binding.roleRef, name: 'edit' } };
  assert.deepEqual(messages(roleBindings.validate!(changed, binding)), ['roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef']);
  const cluster = defaulted(clusterRoleBindings, { roleRef: { kind: 'Role', name: 'x' }, subjects: [{ kind: 'ServiceAccount', name: 'ci' }, { kind: 'Robot', name: 'r' }] });
  assert.deepEqual(messages(clusterRoleBindings.validate!(cluster)), [
    'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    'subjects[0].namespace: Required value',
    'subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
  ]);
});

test('storage classes: Delete and Immediate by default, the default class marked, parameters fixed', () => {
  const classes = kind('storage.k8s.io', 'StorageClass');
  const sc = defaulted(classes, { metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path', parameters: { a: 'b' } });
  assert.deepEqual([sc.reclaimPolicy, sc.volumeBindingMode], ['Delete', 'Immediate']);
  assert.deepEqual(cells(classes, sc), { Name: 'local-path (default)', Provisioner: 'rancher.io/local-path', ReclaimPolicy: 'Delete', VolumeBindingMode: 'Immediate', AllowVolumeExpansion: false, Age: '<unknown>' });
  assert.deepEqual(classes.validate!(sc), []);
  assert.deepEqual(messages(classes.validate!({ ...sc, parameters: {}, reclaimPolicy: 'Recycle' }, sc)), [
    'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
    'parameters: Forbidden: updates to parameters are forbidden.',
    'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
  ]);
});

test('disruption budgets take one of minAvailable and maxUnavailable', () => {
  const pdbs = kind('policy', 'PodDisruptionBudget');
  const pdb = { spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } }, status: { disruptionsAllowed: 1 } };
  assert.deepEqual(cells(pdbs, pdb), { 'Min Available': '50%', 'Max Unavailable': 'N/A', 'Allowed Disruptions': 1, Age: '<unknown>' });
  assert.deepEqual(pdbs.validate!(pdb), []);
  assert.deepEqual(messages(pdbs.validate!({ spec: { minAvailable: 1, maxUnavailable: 1 } })), [
    'spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(0xc000a1b300), Selector:(*v1.LabelSelector)(nil), MaxUnavailable:(*intstr.IntOrString)(0xc000a1b320), UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}: minAvailable and maxUnavailable cannot be both set',
  ]);
});

test('priority classes: system- names are reserved, values capped, value fixed', () => {
  const classes = kind('scheduling.k8s.io', 'PriorityClass');
  const pc = defaulted(classes, { metadata: { name: 'high' }, value: 1000, globalDefault: false });
  assert.equal(pc.preemptionPolicy, 'PreemptLowerPriority');
  assert.deepEqual(cells(classes, pc), { Value: 1000, 'Global-Default': false, Age: '<unknown>', PreemptionPolicy: 'PreemptLowerPriority' });
  assert.deepEqual(classes.validate!(pc), []);
  assert.deepEqual(classes.validate!({ metadata: { name: 'system-node-critical' }, value: 2000001000 }), []);
  assert.deepEqual(messages(classes.validate!({ metadata: { name: 'system-mine' }, value: 5 })), [
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class",
  ]);
  assert.deepEqual(messages(classes.validate!({ metadata: { name: 'huge' }, value: 2000000000 })), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  assert.deepEqual(messages(classes.validate!({ ...pc, value: 5 }, pc)), ['value: Forbidden: may not be changed in an update.']);
});

test('runtime classes name a DNS-label handler that never changes', () => {
  const classes = kind('node.k8s.io', 'RuntimeClass');
  assert.equal(cells(classes, { handler: 'runc' }).Handler, 'runc');
  assert.deepEqual(classes.validate!({ handler: 'runc' }), []);
  assert.deepEqual(messages(classes.validate!({ handler: 'crun' }, { handler: 'runc' })), ['handler: Invalid value: "crun": field is immutable']);
});
