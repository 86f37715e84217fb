import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { normalizedImage, planPod, type PlayContext } from './podStatus.ts';

const t0 = Date.parse('2025-01-01T00:00:00Z');

function pod(overrides: { annotations?: Record<string, string>; spec?: Partial<Pod['spec']>; status?: Pod['status'] } = {}): Pod {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'u1', annotations: overrides.annotations },
    spec: { nodeName: 'sim-0', restartPolicy: 'Always', containers: [{ name: 'app', image: 'nginx:1.27' }], ...overrides.spec },
    status: overrides.status ?? { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

function context(now: number, startDelayMs = 0): PlayContext {
  return { now, startDelayMs, hostIP: '127.9.0.1', allocatePodIP: () => '10.200.0.7' };
}

const condition = (status: Pod['status'], type: string) => status?.conditions?.find((c) => c.type === type);

test('a pod runs at once, Ready, with the status a kubelet writes', () => {
  const plan = planPod(pod(), { firstSeenMs: t0, startedMs: undefined }, context(t0));
  const status = plan.status!;
  assert.equal(status.phase, 'Running');
  assert.deepEqual(status.conditions!.map((c) => [c.type, c.status]), [
    ['PodReadyToStartContainers', 'True'],
    ['Initialized', 'True'],
    ['Ready', 'True'],
    ['ContainersReady', 'True'],
    ['PodScheduled', 'True'],
  ]);
  assert.equal(status.podIP, '10.200.0.7');
  assert.deepEqual(status.podIPs, [{ ip: '10.200.0.7' }]);
  assert.equal(status.hostIP, '127.9.0.1');
  assert.equal(status.startTime, '2025-01-01T00:00:00Z');
  assert.equal(status.qosClass, 'BestEffort');
  const [app] = status.containerStatuses!;
  assert.deepEqual({ ready: app.ready, started: app.started, restartCount: app.restartCount, image: app.image, state: app.state }, {
    ready: true, started: true, restartCount: 0, image: 'docker.io/library/nginx:1.27', state: { running: { startedAt: '2025-01-01T00:00:00Z' } },
  });
  assert.match(app.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  assert.match(app.containerID!, /^skiff-sim:\/\/[0-9a-f]{64}$/);
  assert.equal(plan.startedMs, t0);
  assert.equal(plan.requeueAfterMs, undefined);
});

test('a running pod whose status already says so is left alone', () => {
  const first = planPod(pod(), { firstSeenMs: t0, startedMs: undefined }, context(t0));
  const again = planPod(pod({ status: first.status }), { firstSeenMs: t0, startedMs: t0 }, context(t0 + 60_000));
  assert.equal(again.status, undefined);
});

test('during the start delay the pod is ContainerCreating, then runs', () => {
  const creating = planPod(pod(), { firstSeenMs: t0, startedMs: undefined }, context(t0 + 200, 1000));
  assert.equal(creating.status!.phase, 'Pending');
  assert.deepEqual(creating.status!.containerStatuses![0].state, { waiting: { reason: 'ContainerCreating' } });
  assert.equal(condition(creating.status, 'Ready')!.reason, 'ContainersNotReady');
  assert.equal(creating.status!.podIP, undefined);
  assert.equal(creating.requeueAfterMs, 800);
  const running = planPod(pod({ status: creating.status }), { firstSeenMs: t0, startedMs: undefined }, context(t0 + 1000, 1000));
  assert.equal(running.status!.phase, 'Running');
  assert.equal(running.status!.startTime, creating.status!.startTime, 'startTime is when the kubelet first saw the pod');
});

test('simulate-ready "false" runs the containers but never makes them ready', () => {
  const status = planPod(pod({ annotations: { 'skiff.dev/simulate-ready': 'false' } }), { firstSeenMs: t0, startedMs: undefined }, context(t0)).status!;
  assert.equal(status.phase, 'Running');
  assert.equal(status.containerStatuses![0].ready, false);
  assert.equal(status.containerStatuses![0].started, true);
  assert.deepEqual([condition(status, 'Ready')!.status, condition(status, 'Ready')!.message], ['False', 'containers with unready status: [app]']);
});

test('a readiness gate keeps the pod unready until its condition is True; others\' conditions are kept', () => {
  const gated = pod({ spec: { readinessGates: [{ conditionType: 'example.com/lb' }] } });
  const status = planPod(gated, { firstSeenMs: t0, startedMs: undefined }, context(t0)).status!;
  assert.equal(condition(status, 'Ready')!.reason, 'ReadinessGatesNotReady');
  assert.equal(condition(status, 'ContainersReady')!.status, 'True');
  const opened = pod({ spec: gated.spec, status: { ...status, conditions: [{ type: 'example.com/lb', status: 'True' }, ...status.conditions!] } });
  const next = planPod(opened, { firstSeenMs: t0, startedMs: t0 }, context(t0 + 1000)).status!;
  assert.equal(condition(next, 'Ready')!.status, 'True');
  assert.equal(next.conditions![0].type, 'example.com/lb');
});

test('a pod that does not restart finishes after simulate-exit-after-ms', () => {
  const job = pod({ annotations: { 'skiff.dev/simulate-exit-after-ms': '500' }, spec: { restartPolicy: 'Never' } });
  const running = planPod(job, { firstSeenMs: t0, startedMs: undefined }, context(t0));
  assert.equal(running.status!.phase, 'Running');
  assert.equal(running.requeueAfterMs, 500);
  const done = planPod(pod({ ...job, annotations: job.metadata!.annotations, spec: job.spec, status: running.status }), { firstSeenMs: t0, startedMs: t0 }, context(t0 + 500));
  assert.equal(done.status!.phase, 'Succeeded');
  assert.deepEqual(done.status!.containerStatuses![0].state!.terminated!.reason, 'Completed');
  assert.equal(done.status!.containerStatuses![0].state!.terminated!.exitCode, 0);
  assert.equal(condition(done.status, 'Ready')!.reason, 'PodCompleted');
  assert.deepEqual(planPod(pod({ status: done.status }), { firstSeenMs: t0, startedMs: t0 }, context(t0 + 9000)), {}, 'finished pods are left alone');
});

test('a non-zero simulated exit code fails a restartPolicy Never pod; pods that restart keep running', () => {
  const annotations = { 'skiff.dev/simulate-exit-after-ms': '0', 'skiff.dev/simulate-exit-code': '3' };
  const failing = pod({ annotations, spec: { restartPolicy: 'Never' } });
  const status = planPod(failing, { firstSeenMs: t0, startedMs: undefined }, context(t0)).status!;
  assert.equal(status.phase, 'Failed');
  assert.deepEqual([status.containerStatuses![0].state!.terminated!.exitCode, status.containerStatuses![0].state!.terminated!.reason], [3, 'Error']);
  const retried = pod({ annotations, spec: { restartPolicy: 'OnFailure' } });
  assert.equal(planPod(retried, { firstSeenMs: t0, startedMs: undefined }, context(t0)).status!.phase, 'Running');
  const service = pod({ annotations: { 'skiff.dev/simulate-exit-after-ms': '0' } });
  assert.equal(planPod(service, { firstSeenMs: t0, startedMs: undefined }, context(t0)).status!.phase, 'Running');
});

test('init containers have completed and sidecars run; hostNetwork pods take the node\'s address', () => {
  const withInits = pod({ spec: { hostNetwork: true, initContainers: [{ name: 'setup', image: 'busybox' }, { name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] } });
  const status = planPod(withInits, { firstSeenMs: t0, startedMs: undefined }, context(t0)).status!;
  assert.deepEqual(status.initContainerStatuses!.map((c) => Object.keys(c.state!)[0]), ['terminated', 'running']);
  assert.equal(status.initContainerStatuses![0].state!.terminated!.reason, 'Completed');
  assert.equal(status.podIP, '127.9.0.1');
});

test('images are named as the runtime reports them', () => {
  assert.equal(normalizedImage('nginx'), 'docker.io/library/nginx:latest');
  assert.equal(normalizedImage('bitnami/redis:7'), 'docker.io/bitnami/redis:7');
  assert.equal(normalizedImage('registry.k8s.io/pause:3.10'), 'registry.k8s.io/pause:3.10');
  assert.equal(normalizedImage('localhost:5000/app'), 'localhost:5000/app:latest');
  assert.equal(normalizedImage('nginx@sha256:abc'), 'docker.io/library/nginx@sha256:abc');
});
