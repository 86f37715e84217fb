// Acceptance 3: the imperative kubectl commands (several send protobuf bodies).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SkiffServer } from './harness.ts';

let server: SkiffServer;
before(async () => {
  server = await SkiffServer.start();
});
after(() => server?.stop());

test('kubectl create namespace, deployment, configmap, secret generic and job', async () => {
  assert.match(await server.ok(['create', 'namespace', 'shop']), /namespace\/shop created/);
  assert.match(await server.ok(['-n', 'shop', 'create', 'deployment', 'api', '--image=nginx:1.27', '--replicas=2', '--port=8080']), /deployment.apps\/api created/);
  assert.match(await server.ok(['-n', 'shop', 'create', 'configmap', 'cfg', '--from-literal=a=1', '--from-literal=b=2']), /configmap\/cfg created/);
  assert.match(await server.ok(['-n', 'shop', 'create', 'secret', 'generic', 'pw', '--from-literal=password=hunter2']), /secret\/pw created/);
  assert.match(await server.ok(['-n', 'shop', 'create', 'job', 'once', '--image=busybox', '--', 'echo', 'hi']), /job.batch\/once created/);
  const dep = JSON.parse(await server.ok(['-n', 'shop', 'get', 'deploy', 'api', '-o', 'json']));
  assert.equal(dep.spec.replicas, 2);
  assert.equal(dep.spec.template.spec.containers[0].image, 'nginx:1.27');
  assert.equal(dep.spec.template.spec.containers[0].ports[0].containerPort, 8080);
  assert.deepEqual(dep.spec.selector.matchLabels, { app: 'api' });
  assert.equal(dep.spec.strategy.type, 'RollingUpdate', 'defaults are applied');
  const secret = JSON.parse(await server.ok(['-n', 'shop', 'get', 'secret', 'pw', '-o', 'json']));
  assert.equal(Buffer.from(secret.data.password, 'base64').toString(), 'hunter2');
  const job = JSON.parse(await server.ok(['-n', 'shop', 'get', 'job', 'once', '-o', 'json']));
  assert.deepEqual(job.spec.template.spec.containers[0].command, ['echo', 'hi']);
  assert.match(await server.fails(['create', 'namespace', 'shop']), /AlreadyExists|already exists/);
});

test('kubectl label and annotate', async () => {
  assert.match(await server.ok(['-n', 'shop', 'label', 'deploy', 'api', 'tier=backend']), /labeled/);
  assert.match(await server.ok(['-n', 'shop', 'annotate', 'deploy', 'api', 'owner=team-a']), /annotated/);
  const dep = JSON.parse(await server.ok(['-n', 'shop', 'get', 'deploy', 'api', '-o', 'json']));
  assert.equal(dep.metadata.labels.tier, 'backend');
  assert.equal(dep.metadata.annotations.owner, 'team-a');
  assert.match(await server.ok(['-n', 'shop', 'label', 'deploy', 'api', 'tier-']), /unlabeled/);
  assert.match(await server.fails(['-n', 'shop', 'label', 'deploy', 'api', 'app=other']), /already has a value/);
});

test('kubectl scale uses the scale subresource', async () => {
  assert.match(await server.ok(['-n', 'shop', 'scale', 'deploy', 'api', '--replicas=5']), /scaled/);
  assert.equal(await server.ok(['-n', 'shop', 'get', 'deploy', 'api', '-o', 'jsonpath={.spec.replicas}']), '5');
  const scale = JSON.parse(await server.ok(['get', '--raw', '/apis/apps/v1/namespaces/shop/deployments/api/scale']));
  assert.equal(scale.kind, 'Scale');
  assert.equal(scale.spec.replicas, 5);
  assert.equal(scale.status.selector, 'app=api');
});

test('kubectl set image changes the template and bumps generation', async () => {
  const before = Number(await server.ok(['-n', 'shop', 'get', 'deploy', 'api', '-o', 'jsonpath={.metadata.generation}']));
  assert.match(await server.ok(['-n', 'shop', 'set', 'image', 'deploy/api', 'nginx=nginx:1.28']), /image updated/);
  const dep = JSON.parse(await server.ok(['-n', 'shop', 'get', 'deploy', 'api', '-o', 'json']));
  assert.equal(dep.spec.template.spec.containers[0].image, 'nginx:1.28');
  assert.equal(dep.metadata.generation, before + 1);
});

test('kubectl edit with KUBE_EDITOR set to a script', async () => {
  const editor = join(server.dataDir, 'editor.sh');
  await writeFile(editor, '#!/bin/sh\nsed -i "s/b: \\"2\\"/b: \\"edited\\"/" "$1"\n');
  await chmod(editor, 0o755);
  assert.match(await server.ok(['-n', 'shop', 'edit', 'configmap', 'cfg'], { env: { KUBE_EDITOR: editor } }), /edited/);
  assert.equal(await server.ok(['-n', 'shop', 'get', 'cm', 'cfg', '-o', 'jsonpath={.data.b}']), 'edited');
});

test('kubectl patch: json, merge and strategic', async () => {
  await server.ok(['-n', 'shop', 'patch', 'cm', 'cfg', '--type=json', '-p', '[{"op":"replace","path":"/data/a","value":"json"}]']);
  assert.equal(await server.ok(['-n', 'shop', 'get', 'cm', 'cfg', '-o', 'jsonpath={.data.a}']), 'json');
  await server.ok(['-n', 'shop', 'patch', 'cm', 'cfg', '--type=merge', '-p', '{"data":{"c":"merged","b":null}}']);
  const cm = JSON.parse(await server.ok(['-n', 'shop', 'get', 'cm', 'cfg', '-o', 'json']));
  assert.deepEqual(cm.data, { a: 'json', c: 'merged' });
  await server.ok(['-n', 'shop', 'patch', 'deploy', 'api', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"A","value":"1"}]}]}}}}']);
  const dep = JSON.parse(await server.ok(['-n', 'shop', 'get', 'deploy', 'api', '-o', 'json']));
  const container = dep.spec.template.spec.containers[0];
  assert.equal(container.image, 'nginx:1.28', 'the strategic merge keeps the container, merged by name');
  assert.deepEqual(container.env, [{ name: 'A', value: '1' }]);
});

test('kubectl auth can-i answers yes for the admin', async () => {
  assert.equal((await server.ok(['auth', 'can-i', 'create', 'deployments'])).trim(), 'yes');
  assert.equal((await server.ok(['auth', 'can-i', '--list'])).includes('*.*'), true);
});

test('kubectl delete: default, --cascade=orphan, --all, --grace-period=0 --force', async () => {
  assert.match(await server.ok(['-n', 'shop', 'delete', 'configmap', 'cfg']), /configmap "cfg" deleted/);
  assert.match(await server.fails(['-n', 'shop', 'get', 'configmap', 'cfg']), /NotFound|not found/);
  assert.match(await server.ok(['-n', 'shop', 'delete', 'deploy', 'api', '--cascade=orphan']), /deployment.apps "api" deleted/);
  await server.ok(['-n', 'shop', 'create', 'configmap', 'x1', '--from-literal=a=1']);
  await server.ok(['-n', 'shop', 'create', 'configmap', 'x2', '--from-literal=a=1']);
  const deleted = await server.ok(['-n', 'shop', 'delete', 'configmap', '--all']);
  assert.match(deleted, /configmap "x1" deleted/);
  assert.match(deleted, /configmap "x2" deleted/);
  const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  nodeName: nowhere\n  containers:\n  - name: c\n    image: busybox\n`;
  await server.ok(['apply', '-f', '-'], { input: pod });
  assert.match(await server.ok(['-n', 'shop', 'delete', 'pod', 'p', '--grace-period=0', '--force']), /pod "p" force deleted/);
  assert.match(await server.fails(['-n', 'shop', 'get', 'pod', 'p']), /NotFound|not found/);
});
