// The service account controller against a real server: every namespace gets a `default`
// ServiceAccount, and gets it back when it is deleted.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/kind.ts';
import { types } from '../../client/resourceTypes.ts';
import { startTestbed, waitFor, type Testbed } from '../garbageCollector/controllerTestbed.ts';
import { serviceAccountController } from './serviceAccountController.ts';

let bed: Testbed;
before(async () => {
  bed = await startTestbed();
  await bed.run([serviceAccountController]);
});
after(() => bed?.stop());

const defaultAccount = (namespace: string) => bed.client.get<KubeObject>(types.serviceAccounts, namespace, 'default').catch(() => undefined);

test('existing and new namespaces get a default ServiceAccount', async () => {
  await waitFor(() => defaultAccount('kube-system'), 10_000, 'default in kube-system');
  await bed.server.ok(['create', 'namespace', 'team']);
  await waitFor(() => defaultAccount('team'), 10_000, 'default in team');
  assert.match(await bed.server.ok(['-n', 'team', 'get', 'serviceaccounts']), /^default\s/m);
});

test('a deleted default ServiceAccount is created again', async () => {
  await bed.client.create(types.namespaces, { metadata: { name: 'again' } });
  const first = (await waitFor(() => defaultAccount('again'), 10_000, 'default in again'))!;
  await bed.client.delete(types.serviceAccounts, 'again', 'default');
  await waitFor(async () => {
    const uid = (await defaultAccount('again'))?.metadata?.uid;
    return uid !== undefined && uid !== first.metadata?.uid;
  }, 10_000, 'a new default ServiceAccount');
});
