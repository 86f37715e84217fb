import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPod, pod, qosClass, summarize } from './pod.ts';

const now = Date.parse('2024-06-01T12:00:00Z');
const running = { running: { startedAt: '2024-06-01T11:00:00Z' } };

function podWith(status: any, spec: any = {}, metadata: any = {}): any {
  return { metadata: { name: 'p', ...metadata }, spec: { containers: [{ name: 'a' }], ...spec }, status };
}

test('STATUS is the phase until containers say more', () => {
  assert.deepEqual(summarize(podWith({ phase: 'Pending' }), now), { ready: '0/1', reason: 'Pending', restarts: '0' });
  const ready = podWith({ phase: 'Running', containerStatuses: [{ name: 'a', ready: true, restartCount: 0, state: running }] });
  assert.deepEqual(summarize(ready, now), { ready: '1/1', reason: 'Running', restarts: '0' });
});

test('STATUS shows a waiting reason: ContainerCreating, CrashLoopBackOff', () => {
  const creating = podWith({ phase: 'Pending', containerStatuses: [{ name: 'a', state: { waiting: { reason: 'ContainerCreating' } } }] });
  assert.equal(summarize(creating, now).reason, 'ContainerCreating');
  const crashing = podWith({
    phase: 'Running',
    containerStatuses: [{ name: 'a', restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: '2024-06-01T11:55:00Z' } } }],
  });
  assert.deepEqual(summarize(crashing, now), { ready: '0/1', reason: 'CrashLoopBackOff', restarts: '5 (5m ago)' });
});

test('STATUS of terminated containers: their reason, else ExitCode or Signal', () => {
  const done = podWith({ phase: 'Succeeded', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
  assert.equal(summarize(done, now).reason, 'Completed');
  const code = podWith({ phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 3 } } }] });
  assert.equal(summarize(code, now).reason, 'ExitCode:3');
  const signal = podWith({ phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 137, signal: 9 } } }] });
  assert.equal(summarize(signal, now).reason, 'Signal:9');
});

test('Completed with another container still running shows Running or NotReady', () => {
  const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
  const statuses = [{ name: 'a', ready: true, state: running }, { name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } }];
  assert.equal(summarize(podWith({ phase: 'Running', containerStatuses: statuses, conditions: [{ type: 'Ready', status: 'True' }] }, spec), now).reason, 'Running');
  assert.equal(summarize(podWith({ phase: 'Running', containerStatuses: statuses }, spec), now).reason, 'NotReady');
});

test('init containers: Init:0/2, Init:<reason>, Init:ExitCode, then the main containers', () => {
  const spec = { initContainers: [{ name: 'i1' }, { name: 'i2' }] };
  assert.equal(summarize(podWith({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { running: {} } }, { name: 'i2', state: { waiting: { reason: 'PodInitializing' } } }] }, spec), now).reason, 'Init:0/2');
  assert.equal(summarize(podWith({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { waiting: { reason: 'ImagePullBackOff' } } }] }, spec), now).reason, 'Init:ImagePullBackOff');
  assert.equal(summarize(podWith({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 2 } } }] }, spec), now).reason, 'Init:ExitCode:2');
  const doneInit = podWith(
    { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 0 } } }, { name: 'i2', state: { terminated: { exitCode: 0 } } }], containerStatuses: [{ name: 'a', state: { waiting: { reason: 'PodInitializing' } } }] },
    spec,
  );
  assert.equal(summarize(doneInit, now).reason, 'PodInitializing');
});

test('sidecars (restartable init containers) count towards READY', () => {
  const spec = { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] };
  const p = podWith(
    {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [{ name: 'proxy', started: true, ready: true, restartCount: 1, state: running }],
      containerStatuses: [{ name: 'a', ready: true, state: running }],
    },
    spec,
  );
  assert.deepEqual(summarize(p, now), { ready: '2/2', reason: 'Running', restarts: '1' });
});

test('deleted pods are Terminating (or Unknown when their node is lost); gated ones SchedulingGated', () => {
  assert.equal(summarize(podWith({ phase: 'Running' }, {}, { deletionTimestamp: '2024-06-01T11:59:00Z' }), now).reason, 'Terminating');
  assert.equal(summarize(podWith({ phase: 'Succeeded' }, {}, { deletionTimestamp: '2024-06-01T11:59:00Z' }), now).reason, 'Succeeded');
  assert.equal(summarize(podWith({ phase: 'Running', reason: 'NodeLost' }, {}, { deletionTimestamp: '2024-06-01T11:59:00Z' }), now).reason, 'Unknown');
  assert.equal(summarize(podWith({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), now).reason, 'SchedulingGated');
});

test('wide columns: IP, node, nominated node and readiness gates', () => {
  const columns = Object.fromEntries(pod.columns!.map((c) => [c.name, c]));
  const p = podWith({ podIPs: [{ ip: '10.0.0.5' }], conditions: [{ type: 'example.com/ready', status: 'True' }] }, { nodeName: 'n1', readinessGates: [{ conditionType: 'example.com/ready' }, { conditionType: 'other' }] });
  assert.equal(columns.IP.cell(p), '10.0.0.5');
  assert.equal(columns.Node.cell(p), 'n1');
  assert.equal(columns['Nominated Node'].cell(p), '<none>');
  assert.equal(columns['Readiness Gates'].cell(p), '1/2');
  assert.equal(columns.IP.priority, 1);
});

test('pod defaults: requests from limits, service links, host ports; a new pod is Pending with a QoS class', () => {
  const p: any = { metadata: { name: 'p' }, spec: { hostNetwork: true, containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 8080 }], resources: { limits: { cpu: '1', memory: '1Gi' } } }] } };
  defaultPod(p);
  assert.deepEqual(p.spec.containers[0].resources.requests, { cpu: '1', memory: '1Gi' });
  assert.equal(p.spec.containers[0].ports[0].hostPort, 8080);
  assert.equal(p.spec.enableServiceLinks, true);
  p.status = { phase: 'Running', conditions: [] };
  pod.prepareForCreate!(p);
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'Guaranteed' });
});

test('QoS classes', () => {
  assert.equal(qosClass({ containers: [{}] }), 'BestEffort');
  assert.equal(qosClass({ containers: [{ resources: { requests: { cpu: '100m' } } }] }), 'Burstable');
  assert.equal(qosClass({ containers: [{ resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }] }), 'Guaranteed');
  assert.equal(qosClass({ containers: [{ resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }] }), 'Burstable');
});

test('field selectors cover the scheduler and kubelet queries', () => {
  const p = podWith({ phase: 'Running', podIPs: [{ ip: '10.0.0.5' }] }, { nodeName: 'n1' });
  const f = pod.fieldSelectors!;
  assert.equal(f['spec.nodeName'](p), 'n1');
  assert.equal(f['status.phase'](p), 'Running');
  assert.equal(f['status.podIP'](p), '10.0.0.5');
  assert.equal(f['spec.hostNetwork'](p), 'false');
});

function validPod(): any {
  const p: any = { metadata: { name: 'p', namespace: 'd' }, spec: { containers: [{ name: 'a', image: 'nginx:1' }], tolerations: [{ key: 'k', operator: 'Exists' }] } };
  defaultPod(p);
  return p;
}

test('create: no ephemeral containers, no whitespace around images', () => {
  const p = validPod();
  p.spec.containers[0].image = ' nginx';
  p.spec.ephemeralContainers = [{ name: 'debug', image: 'busybox', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' }];
  assert.deepEqual(pod.validate!(p).map((e) => e.field), ['spec.containers[0].image', 'spec.ephemeralContainers']);
});

test('update: images, added tolerations and a first nodeName may change; nothing else', () => {
  const old = validPod();
  const next = structuredClone(old);
  next.spec.containers[0].image = 'nginx:2';
  next.spec.tolerations.push({ key: 'k2', operator: 'Exists' });
  next.spec.nodeName = 'n1';
  assert.deepEqual(pod.validate!(next, old), []);
  const changed = structuredClone(old);
  changed.spec.restartPolicy = 'Never';
  const errs = pod.validate!(changed, old);
  assert.equal(errs.length, 1);
  assert.equal(errs[0].field, 'spec');
  assert.match(errs[0].message, /^Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`,/);
  const fewer = structuredClone(old);
  fewer.spec.tolerations = [];
  assert.equal(pod.validate!(fewer, old)[0].message, 'Forbidden: existing toleration can not be modified except its tolerationSeconds');
  const added = structuredClone(old);
  added.spec.containers.push({ name: 'b', image: 'x', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' });
  assert.equal(pod.validate!(added, old).at(-1)!.message, 'Forbidden: pod updates may not add or remove containers');
});
