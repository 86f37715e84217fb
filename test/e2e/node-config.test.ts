// Issue 4 acceptance 4: ConfigMaps and Secrets reach a real container as environment
// variables and as files, and an edited ConfigMap shows up in the file (not in the env).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffServer, waitFor } from './harness.ts';
import { waitForReadyPods } from './realPods.ts';

let server: SkiffServer;

before(async () => {
  server = await SkiffServer.startWithAgent();
});

after(async () => {
  await server?.stop();
});

test('ConfigMap and Secret as env and files; an edit reaches the file', async () => {
  await server.ok(['create', 'configmap', 'app-config', '--from-literal=greeting=hello', '--from-literal=color=blue']);
  await server.ok(['create', 'secret', 'generic', 'app-secret', '--from-literal=password=s3cret']);
  await server.ok(['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'configured', labels: { app: 'configured' } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{
          name: 'main', image: 'busybox', command: ['sleep', '3600'],
          env: [
            { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'greeting' } } },
            { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'app-secret', key: 'password' } } },
            { name: 'MISSING', valueFrom: { configMapKeyRef: { name: 'nowhere', key: 'x', optional: true } } },
          ],
          envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'app-config' } }],
          volumeMounts: [
            { name: 'config', mountPath: '/etc/app' },
            { name: 'secret', mountPath: '/etc/secret', readOnly: true },
          ],
        }],
        volumes: [
          { name: 'config', configMap: { name: 'app-config' } },
          { name: 'secret', secret: { secretName: 'app-secret', defaultMode: 0o400 } },
        ],
      },
    }),
  });
  const [pod] = await waitForReadyPods(server, 'app=configured', 1);
  const name = pod!.metadata!.name!;
  const env = await server.ok(['exec', name, '--', 'sh', '-c', 'echo "$GREETING $PASSWORD $CFG_greeting $CFG_color [${MISSING-unset}]"']);
  assert.equal(env.trim(), 'hello s3cret hello blue [unset]');
  const files = await server.ok(['exec', name, '--', 'sh', '-c', 'cat /etc/app/greeting; echo; cat /etc/secret/password; echo; stat -L -c %a /etc/secret/password']);
  assert.equal(files.trim(), 'hello\ns3cret\n400');

  await server.ok(['patch', 'configmap', 'app-config', '-p', '{"data":{"greeting":"bonjour"}}']);
  await waitFor(async () => (await server.ok(['exec', name, '--', 'cat', '/etc/app/greeting'])) === 'bonjour', 60_000, 'the edited ConfigMap in the file');
  assert.equal((await server.ok(['exec', name, '--', 'sh', '-c', 'echo $GREETING'])).trim(), 'hello', 'env is fixed at container start');
});
