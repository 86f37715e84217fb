// Acceptance 1, the chapter's Level I on simulated nodes: a Deployment of 3 becomes 3 Running
// pods spread over the nodes; scaled to 5 it has 5; a deleted pod is replaced by a new one
// and the Deployment returns to 5 available.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './harness.ts';
import { isLive, isReady, podsOf, startCluster, waitForAvailable } from './agents.ts';

test('Level I: a Deployment runs, spreads, scales and heals on simulated nodes', async (t) => {
  const { server } = await startCluster(t, [{ nodeName: 'sim', count: 3 }]);

  await server.ok(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3']);
  await waitForAvailable(server, 'web', 3);
  const running = (await podsOf(server, 'app=web')).filter(isLive);
  assert.equal(running.length, 3);
  for (const pod of running) assert.equal(pod.status?.phase, 'Running', pod.metadata?.name);
  assert.deepEqual(new Set(running.map((p) => p.spec?.nodeName)), new Set(['sim-0', 'sim-1', 'sim-2']), 'one pod on each node');

  await server.ok(['scale', 'deployment', 'web', '--replicas=5']);
  await waitForAvailable(server, 'web', 5);
  const five = (await podsOf(server, 'app=web')).filter(isLive);
  assert.equal(five.length, 5);
  const before = new Set(five.map((p) => p.metadata!.name!));

  const victim = five[0].metadata!.name!;
  await server.ok(['delete', 'pod', victim]);
  const healed = await waitFor(async () => {
    const pods = (await podsOf(server, 'app=web')).filter(isLive);
    const ready = pods.filter(isReady);
    return pods.length === 5 && ready.length === 5 && !pods.some((p) => p.metadata?.name === victim) ? pods : undefined;
  }, 30_000, 'five Ready pods without the deleted one');
  const replacements = healed.map((p) => p.metadata!.name!).filter((name) => !before.has(name));
  assert.equal(replacements.length, 1, `one new pod replaces ${victim}`);
  await waitForAvailable(server, 'web', 5);
  assert.match(await server.ok(['get', 'deploy', 'web']), /web\s+5\/5\s+5\s+5\s/);
});
