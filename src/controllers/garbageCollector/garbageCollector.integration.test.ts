// The garbage collector against a real server: background, foreground and orphan propagation,
// several owners, and collection after the collector was down while an owner went.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, OwnerReference } from '../../api/kind.ts';
import { types } from '../../client/resourceTypes.ts';
import { garbageCollectorController } from './garbageCollectorController.ts';
import { startTestbed, waitFor, waitForGone, type Testbed } from './controllerTestbed.ts';

let bed: Testbed;
const ns = 'gc';

before(async () => {
  bed = await startTestbed();
  await bed.client.create(types.namespaces, { metadata: { name: ns } });
});
after(() => bed?.stop());

const configMap = (name: string, ownerReferences?: OwnerReference[]): KubeObject => ({ metadata: { name, namespace: ns, ...(ownerReferences ? { ownerReferences } : {}) }, data: { a: '1' } });
const create = (obj: KubeObject) => bed.client.create<KubeObject>(types.configMaps, obj);
const get = (name: string) => bed.client.get<KubeObject>(types.configMaps, ns, name);
const refTo = (owner: KubeObject, blockOwnerDeletion?: boolean): OwnerReference => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name: owner.metadata!.name!,
  uid: owner.metadata!.uid!,
  ...(blockOwnerDeletion === undefined ? {} : { blockOwnerDeletion }),
});

test('deleting an owner in the background deletes its dependents', async () => {
  const stop = await bed.run([garbageCollectorController]);
  try {
    const owner = await create(configMap('bg-owner'));
    await create(configMap('bg-dep-1', [refTo(owner)]));
    await create(configMap('bg-dep-2', [refTo(owner)]));
    assert.equal(await bed.client.delete(types.configMaps, ns, 'bg-owner'), undefined, 'Background deletes the owner at once');
    await waitForGone(() => get('bg-dep-1'), 'bg-dep-1 to be collected');
    await waitForGone(() => get('bg-dep-2'), 'bg-dep-2 to be collected');
  } finally {
    stop();
  }
});

test('a foreground deletion keeps the owner until its blocking dependents are gone', async () => {
  const stop = await bed.run([garbageCollectorController]);
  try {
    const owner = await create(configMap('fg-owner'));
    await create(configMap('fg-dep', [refTo(owner, true)]));
    const terminating = await bed.client.delete(types.configMaps, ns, 'fg-owner', { propagationPolicy: 'Foreground' });
    assert.ok(terminating?.metadata?.deletionTimestamp, 'the owner stays, terminating');
    assert.deepEqual(terminating.metadata.finalizers, ['foregroundDeletion']);
    await waitForGone(() => get('fg-dep'), 'the dependent to be deleted');
    await waitForGone(() => get('fg-owner'), 'the owner to be deleted after its dependent');
  } finally {
    stop();
  }
});

test('an orphan deletion removes the owner and leaves its dependents without the reference', async () => {
  const stop = await bed.run([garbageCollectorController]);
  try {
    const owner = await create(configMap('or-owner'));
    const other = await create(configMap('or-other'));
    await create(configMap('or-dep', [refTo(owner), refTo(other)]));
    const terminating = await bed.client.delete(types.configMaps, ns, 'or-owner', { propagationPolicy: 'Orphan' });
    assert.deepEqual(terminating?.metadata?.finalizers, ['orphan']);
    await waitForGone(() => get('or-owner'), 'the owner to be deleted once orphaning is done');
    const dep = await get('or-dep');
    assert.deepEqual(dep.metadata?.ownerReferences?.map((r) => r.name), ['or-other']);
  } finally {
    stop();
  }
});

test('a dependent with another live owner stays, losing only the reference to the gone one', async () => {
  const stop = await bed.run([garbageCollectorController]);
  try {
    const gone = await create(configMap('multi-gone'));
    const live = await create(configMap('multi-live'));
    await create(configMap('multi-dep', [refTo(gone), refTo(live)]));
    await bed.client.delete(types.configMaps, ns, 'multi-gone');
    await waitFor(async () => (await get('multi-dep')).metadata?.ownerReferences?.length === 1, 10_000, 'the dangling reference to be removed');
    assert.equal((await get('multi-dep')).metadata?.ownerReferences?.[0]?.name, 'multi-live');
  } finally {
    stop();
  }
});

test('dependents of owners deleted while the collector was down are collected when it starts', async () => {
  const owner = await create(configMap('down-owner'));
  await create(configMap('down-dep', [refTo(owner)]));
  // An owner that never existed under this uid is as gone as a deleted one.
  await create(configMap('down-bogus', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'down-owner', uid: '00000000-0000-0000-0000-000000000000' }]));
  await bed.client.delete(types.configMaps, ns, 'down-owner');
  // (Once skiff server runs its own collector, it may get there first: the outcome is the same.)
  const stop = await bed.run([garbageCollectorController]);
  try {
    await waitForGone(() => get('down-dep'), 'down-dep to be collected after the collector starts');
    await waitForGone(() => get('down-bogus'), 'down-bogus to be collected');
  } finally {
    stop();
  }
});

test('a Job deleted without a policy orphans its pods (batch/v1 default), as upstream', async () => {
  const stop = await bed.run([garbageCollectorController]);
  try {
    const job = await bed.client.create<KubeObject>(types.jobs, {
      metadata: { name: 'job', namespace: ns },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    const ref: OwnerReference = { apiVersion: 'batch/v1', kind: 'Job', name: 'job', uid: job.metadata!.uid!, controller: true, blockOwnerDeletion: true };
    await bed.client.create(types.pods, { metadata: { name: 'job-pod', namespace: ns, ownerReferences: [ref] }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const terminating = await bed.client.delete(types.jobs, ns, 'job');
    assert.deepEqual(terminating?.metadata?.finalizers, ['orphan']);
    await waitForGone(() => bed.client.get(types.jobs, ns, 'job'), 'the job to be deleted');
    const pod = await bed.client.get<KubeObject>(types.pods, ns, 'job-pod');
    assert.equal(pod.metadata?.ownerReferences, undefined);
  } finally {
    stop();
  }
});

test('custom resources are owners too: the collector watches kinds of CRDs established while it runs', async () => {
  const stop = await bed.run([garbageCollectorController]);
  try {
    await bed.client.create(types.customResourceDefinitions, {
      metadata: { name: 'widgets.gc.example.com' },
      spec: {
        group: 'gc.example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    const widgets = { group: 'gc.example.com', version: 'v1', plural: 'widgets', kind: 'Widget', namespaced: true };
    const widget = await waitFor(() => bed.client.create<KubeObject>(widgets, { apiVersion: 'gc.example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: ns } }).catch(() => undefined), 10_000, 'the CRD to serve');
    await create(configMap('widget-dep', [{ apiVersion: 'gc.example.com/v1', kind: 'Widget', name: 'w', uid: widget!.metadata!.uid! }]));
    const terminating = await bed.client.delete(widgets, ns, 'w', { propagationPolicy: 'Foreground' });
    assert.deepEqual(terminating?.metadata?.finalizers, ['foregroundDeletion']);
    await waitForGone(() => get('widget-dep'), 'the custom resource’s dependent to be deleted');
    await waitForGone(() => bed.client.get(widgets, ns, 'w'), 'the custom resource to be deleted');
  } finally {
    stop();
  }
});
