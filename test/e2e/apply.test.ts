// Acceptance 1 and 2: declarative apply, diff and the read commands, with the real kubectl.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffServer, withoutControlLoops } from './harness.ts';
import { webConfig, webDeployment, webSecret, webService } from './manifests.ts';

let server: SkiffServer;
before(async () => {
  // The API alone: no controller acts on what is applied (READY stays 0/4, no pods).
  server = await SkiffServer.start(undefined, 0, withoutControlLoops);
});
after(() => server?.stop());

const all = () => [webDeployment(), webService, webConfig, webSecret].join('---\n');

test('kubectl apply creates a Deployment, Service, ConfigMap and Secret', async () => {
  const out = await server.ok(['apply', '-f', '-'], { input: all() });
  assert.match(out, /deployment.apps\/web created/);
  assert.match(out, /service\/web created/);
  assert.match(out, /configmap\/web-config created/);
  assert.match(out, /secret\/web-secret created/);
});

test('applying the same manifests again reports them unchanged', async () => {
  const out = await server.ok(['apply', '-f', '-'], { input: all() });
  assert.match(out, /deployment.apps\/web unchanged/);
  assert.match(out, /configmap\/web-config unchanged/);
});

test('a changed manifest is applied as a strategic merge patch', async () => {
  const out = await server.ok(['apply', '-f', '-'], { input: webDeployment('nginx:1.28', 4) });
  assert.match(out, /deployment.apps\/web configured/);
  const dep = JSON.parse(await server.ok(['get', 'deployment', 'web', '-o', 'json']));
  assert.equal(dep.spec.replicas, 4);
  assert.equal(dep.spec.template.spec.containers[0].image, 'nginx:1.28');
  assert.equal(dep.spec.template.spec.containers[0].env[0].value, 'production');
  assert.equal(dep.metadata.generation, 2);
  assert.ok(dep.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
});

test('kubectl diff shows a pending change and exits 1, and nothing when in sync', async () => {
  const changed = await server.kubectl(['diff', '-f', '-'], { input: webDeployment('nginx:1.29', 4) });
  assert.equal(changed.code, 1, changed.stderr);
  assert.match(changed.stdout, /-\s+- image: nginx:1.28|-\s+image: nginx:1.28/);
  assert.match(changed.stdout, /\+\s+image: nginx:1.29|\+\s+- image: nginx:1.29/);
  const same = await server.kubectl(['diff', '-f', '-'], { input: webDeployment('nginx:1.28', 4) });
  assert.equal(same.code, 0, same.stderr + same.stdout);
  const dep = JSON.parse(await server.ok(['get', 'deployment', 'web', '-o', 'json']));
  assert.equal(dep.spec.template.spec.containers[0].image, 'nginx:1.28', 'diff must not change anything');
});

test('kubectl apply --server-side takes ownership and reports conflicts', async () => {
  const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n`;
  assert.match(await server.ok(['apply', '--server-side', '-f', '-'], { input: cm }), /configmap\/ssa serverside-applied/);
  const live = JSON.parse(await server.ok(['get', 'configmap', 'ssa', '-o', 'json', '--show-managed-fields']));
  assert.ok(live.metadata.managedFields.some((m: any) => m.manager === 'kubectl' && m.operation === 'Apply'));
  const other = cm.replace('"1"', '"2"');
  const conflict = await server.kubectl(['apply', '--server-side', '--field-manager', 'other', '-f', '-'], { input: other });
  assert.notEqual(conflict.code, 0);
  assert.match(conflict.stderr, /conflict/i);
  await server.ok(['apply', '--server-side', '--field-manager', 'other', '--force-conflicts', '-f', '-'], { input: other });
  assert.equal(await server.ok(['get', 'configmap', 'ssa', '-o', 'jsonpath={.data.a}']), '2');
});

test('kubectl get prints tables like a real cluster', async () => {
  const deploy = await server.ok(['get', 'deploy']);
  assert.match(deploy, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
  assert.match(deploy, /\nweb\s+0\/4\s+0\s+0\s+\d+s\n/);
  const wide = await server.ok(['get', 'deploy', '-o', 'wide']);
  assert.match(wide, /CONTAINERS\s+IMAGES\s+SELECTOR/);
  assert.match(wide, /web\s+nginx:1.28\s+app=web/);
  const svc = await server.ok(['get', 'svc']);
  assert.match(svc, /NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE/);
  assert.match(svc, /web\s+ClusterIP/);
  assert.match((await server.kubectl(['get', 'pods'])).stderr, /No resources found in default namespace/);
  const everything = await server.ok(['get', 'all']);
  assert.match(everything, /deployment.apps\/web/);
  assert.match(everything, /service\/web/);
  const allNs = await server.ok(['get', 'namespaces']);
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(allNs, new RegExp(`${ns}\\s+Active`));
  assert.match(await server.ok(['get', 'configmaps', '-A']), /default\s+web-config\s+1/);
});

test('kubectl get -o yaml, json, jsonpath, --show-labels, -l, --field-selector and --sort-by', async () => {
  assert.match(await server.ok(['get', 'deploy', 'web', '-o', 'yaml']), /kind: Deployment[\s\S]*replicas: 4/);
  const json = JSON.parse(await server.ok(['get', 'cm', 'web-config', '-o', 'json']));
  assert.equal(json.data.greeting, 'hello');
  assert.match(json.metadata.resourceVersion, /^\d+$/);
  assert.equal(await server.ok(['get', 'secret', 'web-secret', '-o', 'jsonpath={.data.password}']), Buffer.from('s3cret').toString('base64'));
  assert.match(await server.ok(['get', 'deploy', '--show-labels']), /app=web/);
  assert.match(await server.ok(['get', 'deploy', '-l', 'app=web', '-o', 'name']), /deployment.apps\/web/);
  assert.match((await server.kubectl(['get', 'deploy', '-l', 'app in (db,cache)'])).stderr, /No resources found/);
  assert.match(await server.ok(['get', 'cm', '--field-selector', 'metadata.name=web-config', '-o', 'name']), /^configmap\/web-config\n$/);
  await server.ok(['create', 'configmap', 'a-first', '--from-literal=x=1']);
  const sorted = await server.ok(['get', 'cm', '--sort-by', '.metadata.name', '-o', 'name']);
  const names = sorted.trim().split('\n');
  assert.deepEqual(names, [...names].sort());
});

test('kubectl describe shows the object', async () => {
  const out = await server.ok(['describe', 'deployment', 'web']);
  assert.match(out, /Name:\s+web/);
  assert.match(out, /Replicas:\s+4 desired/);
  assert.match(out, /Image:\s+nginx:1.28/);
  assert.match(await server.ok(['describe', 'svc', 'web']), /Selector:\s+app=web/);
});

test('kubectl explain reads the OpenAPI schema', async () => {
  const out = await server.ok(['explain', 'deployment.spec.strategy']);
  assert.match(out, /KIND:\s+Deployment/);
  assert.match(out, /FIELD:\s+strategy/);
  assert.match(out, /rollingUpdate/);
  assert.match(out, /Recreate|RollingUpdate/);
});

test('kubectl api-resources and api-versions list the built-in kinds', async () => {
  const resources = await server.ok(['api-resources']);
  assert.match(resources, /deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
  assert.match(resources, /pods\s+po\s+v1\s+true\s+Pod/);
  assert.match(resources, /customresourcedefinitions\s+crd,crds\s+apiextensions.k8s.io\/v1\s+false\s+CustomResourceDefinition/);
  const versions = await server.ok(['api-versions']);
  for (const gv of ['apps/v1', 'batch/v1', 'autoscaling/v1', 'autoscaling/v2', 'networking.k8s.io/v1', 'rbac.authorization.k8s.io/v1', 'v1']) {
    assert.match(versions, new RegExp(`^${gv.replace('.', '\\.')}$`, 'm'));
  }
});
