// Acceptance 3, node failure: stopping the simulator that holds some pods makes its nodes
// unreachable (Ready Unknown, the unreachable NoExecute taint) and, once the pods' (shortened)
// toleration is over, they are evicted and replaced on the remaining nodes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from 'kubernetes-types/core/v1.js';
import { waitFor } from './harness.ts';
import { getJson, isLive, isReady, podsOf, startCluster, waitForAvailable } from './agents.ts';

const replicas = 4;
const unreachable = 'node.kubernetes.io/unreachable';

test('pods on a silent node are evicted after their toleration and replaced elsewhere', async (t) => {
  const serverArgs = ['--node-monitor-grace-period', '3s', '--node-monitor-period', '1s', '--default-toleration-seconds', '2', '--node-eviction-rate', '100'];
  const nodes = { count: 2, leaseDurationSeconds: 2 };
  const { server, agents } = await startCluster(t, [{ nodeName: 'a', ...nodes }, { nodeName: 'b', ...nodes }], serverArgs);
  const [agentA] = agents;

  await server.ok(['create', 'deployment', 'web', '--image=nginx:1.27', `--replicas=${replicas}`]);
  await waitForAvailable(server, 'web', replicas);
  const placed = (await podsOf(server, 'app=web')).filter(isLive);
  const onA = placed.filter((p) => p.spec?.nodeName?.startsWith('a-')).map((p) => p.metadata!.name!);
  assert.ok(onA.length > 0 && onA.length < replicas, `pods on both agents' nodes: ${placed.map((p) => p.spec?.nodeName).join(', ')}`);
  // Every pod got the default tolerations for the not-ready and unreachable taints.
  const toleration = placed[0].spec?.tolerations?.find((tol) => tol.key === unreachable);
  assert.deepEqual(toleration, { key: unreachable, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 });

  assert.equal(await agentA.stop('SIGTERM'), 0, agentA.output);

  for (const name of agentA.nodeNames) {
    await waitFor(async () => {
      const node = await getJson<Node>(server, ['node', name]);
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'Unknown' && node.spec?.taints?.some((taint) => taint.key === unreachable && taint.effect === 'NoExecute');
    }, 20_000, `node ${name} to be Unknown with the unreachable taint`);
  }
  assert.match(await server.ok(['get', 'nodes', 'a-0', 'a-1']), /a-0\s+NotReady[\s\S]*a-1\s+NotReady/);

  const replaced = await waitFor(async () => {
    const live = (await podsOf(server, 'app=web')).filter(isLive);
    const done = live.length === replicas && live.every((p) => p.spec?.nodeName?.startsWith('b-') && isReady(p) && p.status?.phase === 'Running');
    return done ? live : undefined;
  }, 30_000, `all ${replicas} running pods on b's nodes`);
  assert.ok(replaced.every((p) => !onA.includes(p.metadata!.name!)), 'the evicted pods are replaced by new ones');

  // With no kubelet to finish them, the evicted pods stay Terminating on their silent nodes.
  const evicted = (await podsOf(server, 'app=web')).filter((p) => onA.includes(p.metadata!.name!));
  assert.equal(evicted.length, onA.length);
  assert.ok(evicted.every((p) => p.metadata?.deletionTimestamp), 'evicted pods are terminating');
  await waitForAvailable(server, 'web', replicas);
});
