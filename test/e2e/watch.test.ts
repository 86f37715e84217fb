// Acceptance 4 and 5: watches with kubectl get -w and kubectl wait; a CustomResourceDefinition
// whose custom objects are applied, listed and watched.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffServer, waitFor, withoutControlLoops } from './harness.ts';
import { crontab, crontabCrd, webDeployment } from './manifests.ts';

let server: SkiffServer;
before(async () => {
  // No controllers: the tests write status themselves, as a controller would.
  server = await SkiffServer.start(undefined, 0, withoutControlLoops);
});
after(() => server?.stop());

test('kubectl get -w shows later changes', async () => {
  await server.ok(['create', 'configmap', 'watched', '--from-literal=a=1']);
  const watch = server.spawnKubectl(['get', 'configmaps', '-w', '--output-watch-events']);
  try {
    await waitFor(() => /ADDED\s+watched/.test(watch.output()), 10_000, 'the initial ADDED event');
    await server.ok(['label', 'configmap', 'watched', 'x=y']);
    await waitFor(() => /MODIFIED\s+watched/.test(watch.output()), 10_000, 'a MODIFIED event');
    await server.ok(['delete', 'configmap', 'watched']);
    await waitFor(() => /DELETED\s+watched/.test(watch.output()), 10_000, 'a DELETED event');
  } finally {
    watch.child.kill();
  }
});

test('kubectl wait --for=jsonpath returns when a status patch lands', async () => {
  await server.ok(['apply', '-f', '-'], { input: webDeployment() });
  const wait = server.kubectl(['wait', 'deployment/web', '--for=jsonpath={.status.readyReplicas}=3', '--timeout=20s']);
  await server.ok(['patch', 'deployment', 'web', '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":3,"readyReplicas":3}}']);
  const result = await wait;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /deployment.apps\/web condition met/);
});

test('a status write does not change spec or generation, and a spec write keeps status', async () => {
  const dep = JSON.parse(await server.ok(['get', 'deploy', 'web', '-o', 'json']));
  assert.equal(dep.metadata.generation, 1);
  assert.equal(dep.status.readyReplicas, 3);
  await server.ok(['patch', 'deployment', 'web', '--type=merge', '-p', '{"status":{"readyReplicas":0},"spec":{"replicas":4}}']);
  const after = JSON.parse(await server.ok(['get', 'deploy', 'web', '-o', 'json']));
  assert.equal(after.spec.replicas, 4);
  assert.equal(after.status.readyReplicas, 3, 'status changes through the main resource are ignored');
  assert.equal(after.metadata.generation, 2);
});

test('a CRD makes its custom kind servable, discoverable and watchable', async () => {
  assert.match(await server.ok(['apply', '-f', '-'], { input: crontabCrd }), /customresourcedefinition.apiextensions.k8s.io\/crontabs.stable.example.com created/);
  await server.ok(['wait', '--for=condition=Established', 'crd/crontabs.stable.example.com', '--timeout=20s']);
  await waitFor(async () => (await server.kubectl(['api-resources', '--api-group=stable.example.com'])).stdout.includes('CronTab'), 10_000, 'CronTab in discovery');
  assert.match(await server.ok(['apply', '-f', '-'], { input: crontab() }), /crontab.stable.example.com\/my-cron created/);
  const table = await server.ok(['get', 'crontabs']);
  assert.match(table, /NAME\s+SPEC\s+REPLICAS\s+AGE/);
  assert.match(table, /my-cron\s+\* \* \* \* \*\/5\s+2/);
  assert.match(await server.ok(['get', 'ct', 'my-cron', '-o', 'jsonpath={.spec.image}']), /my-cron-image/);
  const watch = server.spawnKubectl(['get', 'crontabs', '-w', '--output-watch-events']);
  try {
    await waitFor(() => /ADDED\s+my-cron/.test(watch.output()), 10_000, 'the custom object in the watch');
    assert.match(await server.ok(['apply', '-f', '-'], { input: crontab('*/10 * * * *') }), /configured/);
    await waitFor(() => /MODIFIED\s+my-cron\s+\*\/10 \* \* \* \*/.test(watch.output()), 10_000, 'a MODIFIED custom object');
  } finally {
    watch.child.kill();
  }
  const unknown = await server.kubectl(['apply', '-f', '-'], { input: crontab().replace('replicas: 2', 'replicas: 2\n  colour: blue') });
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /unknown field "spec.colour"/);
  await server.ok(['delete', 'crd', 'crontabs.stable.example.com']);
  await waitFor(async () => (await server.kubectl(['get', 'crontabs'])).code !== 0, 10_000, 'the kind to disappear');
});
