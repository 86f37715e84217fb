import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KindDeclaration } from '../kind.ts';
import { appsKinds } from './apps.ts';

const kind = (name: string) => appsKinds.find((k) => k.kind === name) as KindDeclaration;
const deployment = kind('Deployment');
const replicaSet = kind('ReplicaSet');
const statefulSet = kind('StatefulSet');
const daemonSet = kind('DaemonSet');
const controllerRevision = kind('ControllerRevision');

const template = (labels: Record<string, string> = { app: 'web' }) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'sidecar', image: 'busybox' }] },
});

function defaulted(decl: KindDeclaration, obj: any): any {
  decl.defaults?.(obj);
  return obj;
}

const cells = (decl: KindDeclaration, obj: any) => Object.fromEntries((decl.columns ?? []).map((c) => [c.name, c.cell(obj)]));
const messages = (errors: { field: string; message: string }[]) => errors.map((e) => `${e.field}: ${e.message}`);

function newDeployment(spec: any = {}): any {
  return defaulted(deployment, { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template(), ...spec } });
}

test('a deployment gets upstream defaults: one replica, 25% rolling update, history 10, deadline 600', () => {
  const d = newDeployment();
  assert.equal(d.spec.replicas, 1);
  assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(d.spec.revisionHistoryLimit, 10);
  assert.equal(d.spec.progressDeadlineSeconds, 600);
  assert.equal(d.spec.template.spec.restartPolicy, 'Always');
  assert.deepEqual(deployment.validate!(d), []);
});

test('a Recreate deployment gets no rolling update parameters', () => {
  const d = newDeployment({ strategy: { type: 'Recreate' } });
  assert.deepEqual(d.spec.strategy, { type: 'Recreate' });
  assert.deepEqual(deployment.validate!(d), []);
});

test('deployment columns: READY ready/desired, then wide containers, images and selector', () => {
  const d = newDeployment({ replicas: 3 });
  d.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
  d.metadata.creationTimestamp = new Date(Date.now() - 65_000).toISOString();
  assert.deepEqual(cells(deployment, d), {
    Ready: '2/3', 'Up-to-date': 3, Available: 2, Age: '65s', Containers: 'nginx,sidecar', Images: 'nginx:1.27,busybox', Selector: 'app=web',
  });
  assert.deepEqual(deployment.columns!.map((c) => [c.name, c.priority ?? 0]), [['Ready', 0], ['Up-to-date', 0], ['Available', 0], ['Age', 0], ['Containers', 1], ['Images', 1], ['Selector', 1]]);
});

test('a deployment whose selector misses its template labels is invalid, worded as upstream', () => {
  const d = newDeployment({ template: template({ app: 'other' }) });
  assert.deepEqual(messages(deployment.validate!(d)), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`']);
});

test('a deployment needs a non-empty selector', () => {
  assert.deepEqual(messages(deployment.validate!(newDeployment({ selector: undefined }))), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
  assert.deepEqual(messages(deployment.validate!(newDeployment({ selector: {} }))), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
  ]);
});

test('maxSurge and maxUnavailable may not both be zero', () => {
  const d = newDeployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } });
  assert.deepEqual(messages(deployment.validate!(d)), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0']);
  const bad = newDeployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'lots', maxUnavailable: '120%' } } });
  assert.deepEqual(messages(deployment.validate!(bad)), [
    `spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"lots"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%',
  ]);
});

test('deployment pods must restart always; an unknown strategy is unsupported', () => {
  const d = newDeployment({ strategy: { type: 'Blue' } });
  d.spec.template.spec.restartPolicy = 'Never';
  assert.deepEqual(messages(deployment.validate!(d)), [
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"Blue", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"',
  ]);
});

test('a deployment selector is immutable', () => {
  const old = newDeployment();
  const d = newDeployment({ selector: { matchLabels: { app: 'web', tier: 'front' } }, template: template({ app: 'web', tier: 'front' }) });
  assert.deepEqual(messages(deployment.validate!(d, old)), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"front"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
  assert.deepEqual(deployment.validate!(newDeployment({ replicas: 5 }), old), []);
});

test('replica sets: columns, the status.replicas field selector, the same template rules', () => {
  const rs = defaulted(replicaSet, { metadata: { name: 'web-5d8f', namespace: 'default' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template() } });
  rs.status = { replicas: 3, readyReplicas: 1 };
  const row = cells(replicaSet, rs);
  assert.deepEqual([row.Desired, row.Current, row.Ready, row.Selector], [3, 3, 1, 'app=web']);
  assert.equal(replicaSet.fieldSelectors!['status.replicas'](rs), '3');
  assert.deepEqual(replicaSet.validate!(rs), []);
  rs.spec.replicas = -1;
  assert.deepEqual(messages(replicaSet.validate!(rs)), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
});

function newStatefulSet(spec: any = {}): any {
  return defaulted(statefulSet, {
    metadata: { name: 'db', namespace: 'default' },
    spec: { serviceName: 'db', selector: { matchLabels: { app: 'web' } }, template: template(), volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }], ...spec },
  });
}

test('a stateful set gets OrderedReady, a partitioned rolling update, Retain claims, and claim template defaults', () => {
  const s = newStatefulSet();
  assert.equal(s.spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(s.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(s.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(s.spec.replicas, 1);
  assert.equal(s.spec.revisionHistoryLimit, 10);
  assert.equal(s.spec.volumeClaimTemplates[0].spec.volumeMode, 'Filesystem');
  assert.equal(s.spec.volumeClaimTemplates[0].status.phase, 'Pending');
  assert.deepEqual(statefulSet.validate!(s), []);
});

test('stateful set names are DNS labels; only some spec fields may change', () => {
  assert.deepEqual(statefulSet.nameValidator!('db.primary', 'metadata.name').map((e) => e.message), ['Invalid value: "db.primary": must not contain dots']);
  const old = newStatefulSet();
  assert.deepEqual(statefulSet.validate!(newStatefulSet({ replicas: 3 }), old), []);
  assert.deepEqual(messages(statefulSet.validate!(newStatefulSet({ serviceName: 'other' }), old)), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
  const s = newStatefulSet({ podManagementPolicy: 'Sometimes', updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 2 } } });
  assert.deepEqual(messages(statefulSet.validate!(s)), [
    `spec.podManagementPolicy: Invalid value: "Sometimes": must be 'OrderedReady' or 'Parallel'`,
    "spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:2, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'",
  ]);
});

function newDaemonSet(spec: any = {}): any {
  return defaulted(daemonSet, { metadata: { name: 'agent', namespace: 'kube-system' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template(), ...spec } });
}

test('a daemon set rolls one node at a time without surge, and its columns read its status', () => {
  const ds = newDaemonSet();
  assert.deepEqual(ds.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(ds.spec.revisionHistoryLimit, 10);
  assert.deepEqual(daemonSet.validate!(ds), []);
  ds.status = { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 };
  ds.spec.template.spec.nodeSelector = { 'kubernetes.io/os': 'linux' };
  const row = cells(daemonSet, ds);
  assert.deepEqual([row.Desired, row.Current, row.Ready, row['Up-to-date'], row.Available, row['Node Selector']], [3, 3, 2, 3, 2, 'kubernetes.io/os=linux']);
  assert.equal(cells(daemonSet, newDaemonSet())['Node Selector'], '<none>');
});

test('a daemon set may not surge and be unavailable at once', () => {
  const ds = newDaemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } });
  assert.deepEqual(messages(daemonSet.validate!(ds)), ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero']);
});

test('a daemon set template generation starts at 1 and counts template changes', () => {
  const ds = newDaemonSet();
  daemonSet.prepareForCreate!(ds);
  assert.equal(ds.metadata.annotations['deprecated.daemonset.template.generation'], '1');
  const scaled = structuredClone(ds);
  scaled.spec.minReadySeconds = 5;
  delete scaled.metadata.annotations;
  daemonSet.prepareForUpdate!(scaled, ds);
  assert.equal(scaled.metadata.annotations['deprecated.daemonset.template.generation'], '1');
  const changed = structuredClone(ds);
  changed.spec.template.spec.containers[0].image = 'nginx:1.28';
  daemonSet.prepareForUpdate!(changed, ds);
  assert.equal(changed.metadata.annotations['deprecated.daemonset.template.generation'], '2');
});

test('controller revisions name their controller and keep their data', () => {
  const revision = {
    metadata: { name: 'db-7b9c', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }] },
    data: { spec: {} },
    revision: 2,
  };
  const row = cells(controllerRevision, revision);
  assert.deepEqual([row.Controller, row.Revision], ['statefulset.apps/db', 2]);
  assert.equal(cells(controllerRevision, { metadata: {}, revision: 1 }).Controller, '<none>');
  assert.deepEqual(messages(controllerRevision.validate!({ metadata: {}, revision: -1 })), ['data: Required value: data is mandatory', 'revision: Invalid value: -1: must be greater than or equal to 0']);
  assert.deepEqual(messages(controllerRevision.validate!({ ...revision, data: { spec: { x: 1 } } }, revision)), ['data: Invalid value: {"spec":{"x":1}}: field is immutable']);
});
