// Acceptance 6: @kubernetes/client-node, unchanged: an informer sees adds, updates and deletes
// in order, and recovers after the server restarts.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { SkiffServer, waitFor } from './harness.ts';

let server: SkiffServer;
before(async () => {
  server = await SkiffServer.start();
});
after(() => server?.stop());

function client(): { kc: k8s.KubeConfig; core: k8s.CoreV1Api } {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(server.kubeconfig);
  return { kc, core: kc.makeApiClient(k8s.CoreV1Api) };
}

test('an informer sees adds, updates and deletes in order, and recovers after a restart', async () => {
  const { kc, core } = client();
  const seen: string[] = [];
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
  informer.on('add', (cm) => seen.push(`add ${cm.metadata?.name}`));
  informer.on('update', (cm) => seen.push(`update ${cm.metadata?.name} ${cm.data?.v}`));
  informer.on('delete', (cm) => seen.push(`delete ${cm.metadata?.name}`));
  let stopped = false;
  informer.on('error', () => {
    // As the library's own examples do: restart after an error (the server went away).
    setTimeout(() => {
      if (!stopped) void informer.start().catch(() => undefined);
    }, 200);
  });
  await informer.start();
  try {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'one' }, data: { v: '1' } } });
    await core.patchNamespacedConfigMap({ namespace: 'default', name: 'one', body: { data: { v: '2' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'one' });
    await waitFor(() => seen.length >= 3, 10_000, 'three informer events');
    assert.deepEqual(seen, ['add one', 'update one 2', 'delete one']);

    await server.kill('SIGTERM');
    await server.restart();
    // Written while the informer reconnects: it must still see it, exactly once.
    const { core: fresh } = client();
    await fresh.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'two' }, data: { v: '1' } } });
    await waitFor(() => seen.includes('add two'), 20_000, 'the informer to recover and see the new object');
    assert.equal(seen.filter((s) => s === 'add two').length, 1);
    assert.ok(informer.list('default').some((cm) => cm.metadata?.name === 'two'));
  } finally {
    stopped = true;
    await informer.stop();
  }
});

test('typed CRUD through client-node', async () => {
  const { kc } = client();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const created = await apps.createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'typed' },
      spec: { selector: { matchLabels: { app: 'typed' } }, template: { metadata: { labels: { app: 'typed' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    },
  });
  assert.equal(created.metadata?.generation, 1);
  const list = await apps.listNamespacedDeployment({ namespace: 'default', labelSelector: '' });
  assert.equal(list.items.length, 1);
  await assert.rejects(apps.readNamespacedDeployment({ namespace: 'default', name: 'missing' }), (err: any) => err.code === 404);
});
