// Acceptance 6, restart: `skiff server` killed mid-rollout and started again on the same data
// and port; the agent reconnects, the controllers pick up where the store says they were, and
// the rollout finishes with exactly `replicas` pods of the new template, none duplicated.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { waitFor } from './harness.ts';
import { getJson, isLive, isReady, podsOf, startCluster, waitForAvailable } from './agents.ts';

const replicas = 6;

test('a server killed mid-rollout finishes the rollout after a restart, with no duplicate or lost pods', async (t) => {
  // Pods take a while to start, so the rollout is slow enough to be caught in the middle.
  const { server, agents } = await startCluster(t, [{ nodeName: 'sim', count: 3, startDelayMs: 700 }]);
  await server.ok(['create', 'deployment', 'web', '--image=nginx:1.27', `--replicas=${replicas}`]);
  await waitForAvailable(server, 'web', replicas);

  await server.ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.28']);
  await waitFor(async () => {
    const s = (await getJson<Deployment>(server, ['deployment', 'web'])).status ?? {};
    return (s.updatedReplicas ?? 0) > 0 && (s.updatedReplicas ?? 0) < replicas;
  }, 30_000, 'the rollout to be under way');
  await server.kill('SIGKILL');
  await server.restart();

  const status = await server.kubectl(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  assert.equal(status.code, 0, `${status.stderr}${status.stdout}\nserver:\n${server.output}\nagent:\n${agents[0].output}`);
  const d = await waitForAvailable(server, 'web', replicas);

  // Settled: every ReplicaSet has exactly as many live pods as it wants, all of them the new ones.
  const replicaSets = (await getJson<{ items: ReplicaSet[] }>(server, ['replicasets', '-l', 'app=web'])).items;
  const pods = await waitFor(async () => {
    const all = await podsOf(server, 'app=web');
    return all.every(isLive) ? all : undefined; // the old pods' deletions have completed
  }, 30_000, 'the old pods to go');
  const newRS = replicaSets.find((rs) => rs.spec?.template?.spec?.containers[0].image === 'nginx:1.28')!;
  assert.equal(replicaSets.length, 2);
  assert.equal(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], '2');
  for (const rs of replicaSets) {
    const hash = rs.metadata?.labels?.['pod-template-hash'];
    const owned = pods.filter((p) => p.metadata?.labels?.['pod-template-hash'] === hash);
    assert.equal(owned.length, rs.spec?.replicas, `ReplicaSet ${rs.metadata?.name} has as many pods as replicas`);
  }
  assert.equal(newRS.spec?.replicas, replicas);
  assert.equal(pods.length, replicas);
  assert.ok(pods.every((p) => p.spec?.containers[0].image === 'nginx:1.28' && isReady(p) && p.status?.phase === 'Running'));
  assert.equal(new Set(pods.map((p) => p.metadata?.name)).size, replicas);
});
