// Acceptance 2, rolling updates on simulated nodes: `kubectl set image` rolls the pods within
// maxSurge/maxUnavailable at every moment a pod watch sees; `rollout status`, `history` and
// `undo` behave as on a real cluster; a rollout whose pods never become ready stalls with the
// old pods serving and reports ProgressDeadlineExceeded.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { waitFor, type SkiffServer } from './harness.ts';
import { getJson, isLive, isReady, podsOf, startCluster, waitForAvailable } from './agents.ts';

const replicas = 4;
const maxSurge = 1;
const maxUnavailable = 1;

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: roll
spec:
  replicas: ${replicas}
  minReadySeconds: 0
  selector:
    matchLabels: { app: roll }
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: ${maxSurge}, maxUnavailable: ${maxUnavailable} }
  template:
    metadata:
      labels: { app: roll }
    spec:
      containers:
        - name: app
          image: nginx:1.27
`;

/** One pod as a watch event left it. */
interface PodState {
  name: string;
  deleted: boolean;
  terminating: boolean;
  ready: boolean;
  phase: string;
  image: string;
}

/**
 * `kubectl get pods -w --output-watch-events`, one line per event: the pods after each event,
 * in the order the server's revisions ordered them.
 */
function watchPods(server: SkiffServer, selector: string): { states: () => Map<string, PodState>[]; stop: () => void } {
  const fields = ['{.type}', '{.object.metadata.name}', '{.object.metadata.deletionTimestamp}', '{.object.status.conditions[?(@.type=="Ready")].status}', '{.object.status.phase}', '{.object.spec.containers[0].image}'];
  const watch = server.spawnKubectl(['get', 'pods', '-l', selector, '-w', '--output-watch-events', '-o', `jsonpath=${fields.join('|')}{"\\n"}`]);
  return {
    states: () => {
      const pods = new Map<string, PodState>();
      const states: Map<string, PodState>[] = [];
      for (const line of watch.output().split('\n')) {
        const [type, name, deletionTimestamp, ready, phase, image] = line.split('|');
        if (image === undefined) continue; // a partial last line
        const pod = { name, deleted: type === 'DELETED', terminating: deletionTimestamp !== '', ready: ready === 'True', phase, image };
        if (pod.deleted) pods.delete(name);
        else pods.set(name, pod);
        states.push(new Map(pods));
      }
      return states;
    },
    stop: () => watch.child.kill(),
  };
}

function counts(pods: Map<string, PodState>): { live: number; ready: number } {
  const live = [...pods.values()].filter((p) => !p.terminating && p.phase !== 'Succeeded' && p.phase !== 'Failed');
  return { live: live.length, ready: live.filter((p) => p.ready).length };
}

test('a rolling update keeps within maxSurge and maxUnavailable; history, undo and a stalled rollout', async (t) => {
  const { server } = await startCluster(t, [{ nodeName: 'sim', count: 3 }]);
  await server.ok(['apply', '-f', '-'], { input: deployment });
  await waitForAvailable(server, 'roll', replicas);

  const watch = watchPods(server, 'app=roll');
  t.after(() => watch.stop());
  // The watch's initial list: the bounds hold from this steady state on.
  await waitFor(() => watch.states().some((s) => counts(s).ready === replicas), 10_000, 'the watch to list the pods');

  await server.ok(['set', 'image', 'deployment/roll', 'app=nginx:1.28']);
  assert.match(await server.ok(['rollout', 'status', 'deployment/roll', '--timeout=60s']), /deployment "roll" successfully rolled out/);
  const rolledOut = (s: Map<string, PodState>) => {
    const live = [...s.values()].filter((p) => !p.terminating);
    return live.length === replicas && live.every((p) => p.ready && p.image === 'nginx:1.28');
  };
  await waitFor(() => rolledOut(watch.states().at(-1)!), 10_000, 'the watch to see the new pods ready');
  watch.stop();

  const states = watch.states();
  const from = states.findIndex((s) => counts(s).ready === replicas);
  for (const [i, state] of states.slice(from).entries()) {
    const { live, ready } = counts(state);
    const moment = `after watch event ${from + i}: ${[...state.values()].map((p) => `${p.name} ${p.image}${p.ready ? ' ready' : ''}${p.terminating ? ' terminating' : ''}`).join(', ')}`;
    assert.ok(live <= replicas + maxSurge, `${live} pods > replicas + maxSurge ${moment}`);
    assert.ok(ready >= replicas - maxUnavailable, `${ready} ready pods < replicas - maxUnavailable ${moment}`);
  }
  const seen = new Set(states.flatMap((s) => [...s.values()].filter((p) => p.image === 'nginx:1.28').map((p) => p.name)));
  assert.ok(seen.size >= replicas, `the watch saw the new pods come (${seen.size})`);

  const history = await server.ok(['rollout', 'history', 'deployment/roll']);
  assert.match(history, /^1\s/m);
  assert.match(history, /^2\s/m);

  await server.ok(['rollout', 'undo', 'deployment/roll']);
  await server.ok(['rollout', 'status', 'deployment/roll', '--timeout=60s']);
  const undone = await waitForAvailable(server, 'roll', replicas);
  assert.equal(undone.spec?.template?.spec?.containers[0].image, 'nginx:1.27');
  assert.match(await server.ok(['rollout', 'history', 'deployment/roll']), /^3\s/m, 'undo makes revision 1 the newest, as 3');
  const restored = await waitFor(async () => {
    const live = (await podsOf(server, 'app=roll')).filter(isLive);
    return live.length === replicas && live.every((p) => isReady(p) && p.spec?.containers[0].image === 'nginx:1.27') ? live : undefined;
  }, 30_000, 'the pods to run nginx:1.27 again');

  // A template whose pods never become ready: the rollout stalls at the deadline.
  const oldHash = restored[0].metadata!.labels!['pod-template-hash'];
  await server.ok(['patch', 'deployment/roll', '-p', JSON.stringify({
    spec: { progressDeadlineSeconds: 5, template: { metadata: { annotations: { 'skiff.dev/simulate-ready': 'false' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.29' }] } } },
  })]);
  const stalled = await server.kubectl(['rollout', 'status', 'deployment/roll', '--timeout=60s']);
  assert.notEqual(stalled.code, 0, stalled.stdout);
  assert.match(stalled.stderr, /deployment "roll" exceeded its progress deadline/);

  const d = await getJson<Deployment>(server, ['deployment', 'roll']);
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  assert.equal(progressing?.status, 'False');
  assert.equal(progressing?.reason, 'ProgressDeadlineExceeded');
  const live = (await podsOf(server, 'app=roll')).filter(isLive);
  const oldServing = live.filter((p) => p.metadata?.labels?.['pod-template-hash'] === oldHash && isReady(p));
  assert.equal(oldServing.length, replicas - maxUnavailable, 'the old pods still serve, as many as maxUnavailable allows');
  assert.ok(live.filter((p) => p.spec?.containers[0].image === 'nginx:1.29').every((p) => !isReady(p)), 'no new pod is ready');
  assert.equal(d.status?.availableReplicas, replicas - maxUnavailable);
});
