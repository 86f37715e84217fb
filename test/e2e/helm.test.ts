// helm, unchanged: install, list, upgrade, rollback and uninstall a chart against skiff.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffServer, run } from './harness.ts';
import { helmBinary } from './tools.ts';

let server: SkiffServer;
let helm: (args: string[]) => Promise<string>;
before(async () => {
  server = await SkiffServer.start();
  const binary = await helmBinary();
  const env = { KUBECONFIG: server.kubeconfig, HELM_CACHE_HOME: `${server.dataDir}/helm/cache`, HELM_CONFIG_HOME: `${server.dataDir}/helm/config`, HELM_DATA_HOME: `${server.dataDir}/helm/data` };
  helm = async (args) => {
    const result = await run(binary, args, { env });
    if (result.code !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
    return result.stdout;
  };
});
after(() => server?.stop());

test('helm installs, upgrades, rolls back and uninstalls a chart', async () => {
  const chart = `${server.dataDir}/chart`;
  await helm(['create', chart]);
  assert.match(await helm(['install', 'demo', chart]), /STATUS: deployed/);
  assert.match(await helm(['list']), /demo\s+default\s+1\s+.*deployed/);
  assert.match(await server.ok(['get', 'deploy', 'demo-chart', '-o', 'jsonpath={.spec.replicas}']), /^1$/);
  assert.match(await helm(['upgrade', 'demo', chart, '--set', 'replicaCount=3']), /REVISION: 2/);
  assert.equal(await server.ok(['get', 'deploy', 'demo-chart', '-o', 'jsonpath={.spec.replicas}']), '3');
  assert.match(await helm(['rollback', 'demo', '1']), /Rollback was a success/);
  assert.equal(await server.ok(['get', 'deploy', 'demo-chart', '-o', 'jsonpath={.spec.replicas}']), '1');
  assert.match(await helm(['history', 'demo']), /3\s+.*deployed\s+chart-0.1.0/);
  assert.match(await helm(['uninstall', 'demo']), /release "demo" uninstalled/);
  // Nothing of the release is left; the kubernetes Service every cluster has stays.
  assert.equal(await server.ok(['get', 'deploy,svc,secrets', '-o', 'name']), 'service/kubernetes\n');
});
