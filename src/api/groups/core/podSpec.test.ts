import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPodSpec, defaultPodTemplateSpec, validatePodSpec, validatePodTemplateSpec } from './podSpec.ts';

const messages = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);

function defaulted(spec: any): any {
  defaultPodSpec(spec);
  return spec;
}

test('pod spec defaults: policies, grace period, scheduler, security context', () => {
  const spec = defaulted({ containers: [{ name: 'web', image: 'nginx:1.27' }] });
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.equal(spec.schedulerName, 'default-scheduler');
  assert.deepEqual(spec.securityContext, {});
  assert.equal(spec.enableServiceLinks, undefined, 'enableServiceLinks is a Pod default, not a template one');
});

test('container defaults: pull policy by tag, termination message, port protocol, probes', () => {
  const spec = defaulted({
    containers: [
      { name: 'a', image: 'nginx', ports: [{ containerPort: 80 }], livenessProbe: { httpGet: { port: 80 } } },
      { name: 'b', image: 'nginx:latest' },
      { name: 'c', image: 'registry:5000/nginx:1.2' },
      { name: 'd', image: 'nginx@sha256:abc' },
    ],
  });
  assert.deepEqual(spec.containers.map((c: any) => c.imagePullPolicy), ['Always', 'Always', 'IfNotPresent', 'IfNotPresent']);
  const [a] = spec.containers;
  assert.equal(a.terminationMessagePath, '/dev/termination-log');
  assert.equal(a.terminationMessagePolicy, 'File');
  assert.equal(a.ports[0].protocol, 'TCP');
  assert.deepEqual(a.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.deepEqual(a.resources, {});
});

test('volume defaults: an empty source is emptyDir, files are 0644', () => {
  const spec = defaulted({ containers: [{ name: 'a', image: 'x' }], volumes: [{ name: 'scratch' }, { name: 's', secret: { secretName: 's' } }, { name: 'h', hostPath: { path: '/x' } }] });
  assert.deepEqual(spec.volumes[0].emptyDir, {});
  assert.equal(spec.volumes[1].secret.defaultMode, 420);
  assert.equal(spec.volumes[2].hostPath.type, '');
});

test('the deprecated serviceAccount alias mirrors serviceAccountName', () => {
  assert.equal(defaulted({ serviceAccount: 'old' }).serviceAccountName, 'old');
  assert.equal(defaulted({ serviceAccountName: 'new', serviceAccount: 'old' }).serviceAccount, 'new');
});

test('a valid defaulted spec has no errors', () => {
  const spec = defaulted({ containers: [{ name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }], env: [{ name: 'A', value: '1' }] }] });
  assert.deepEqual(validatePodSpec(spec, 'spec'), []);
});

test('containers: required, named as DNS labels, unique, with an image', () => {
  assert.deepEqual(messages(validatePodSpec(defaulted({}), 'spec')), ['spec.containers: Required value']);
  const spec = defaulted({ containers: [{ name: 'web', image: 'x' }, { name: 'web' }], initContainers: [{ name: 'web', image: 'y' }] });
  assert.deepEqual(messages(validatePodSpec(spec, 'spec.template.spec')), [
    'spec.template.spec.containers[1].image: Required value',
    'spec.template.spec.containers[1].name: Duplicate value: "web"',
    'spec.template.spec.initContainers[0].name: Duplicate value: "web"',
  ]);
});

test('ports: range, protocol, names', () => {
  const spec = defaulted({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 0 }, { containerPort: 70000, protocol: 'HTTP', name: 'Web' }] }] });
  assert.deepEqual(messages(validatePodSpec(spec, 'spec')), [
    'spec.containers[0].ports[0].containerPort: Required value',
    'spec.containers[0].ports[1].name: Invalid value: "Web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
  ]);
});

test('resources: requests may not exceed limits; names must be known', () => {
  const spec = defaulted({ containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '500m' }, requests: { cpu: '1', gpu: '1' } } }] });
  assert.deepEqual(messages(validatePodSpec(spec, 'spec')), [
    'spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu limit of 500m',
    'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
    'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers',
  ]);
  const extended = defaulted({ containers: [{ name: 'a', image: 'x', resources: { requests: { 'example.com/gpu': '1' } } }] });
  assert.deepEqual(messages(validatePodSpec(extended, 'spec')), ['spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources']);
});

test('env: names and exactly one valueFrom source', () => {
  const spec = defaulted({
    containers: [{ name: 'a', image: 'x', env: [{ name: 'A=B' }, { name: 'B', value: 'v', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'C', valueFrom: {} }] }],
  });
  assert.deepEqual(messages(validatePodSpec(spec, 'spec')), [
    `spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
    'spec.containers[0].env[1].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    'spec.containers[0].env[2].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
  ]);
});

test('volumes: unique DNS-label names, exactly one source; mounts must name a valid volume', () => {
  const spec = defaulted({
    containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/d' }, { name: 'gone', mountPath: '/d' }] }],
    volumes: [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }, { name: 'two', emptyDir: {}, hostPath: { path: '/x' } }],
  });
  assert.deepEqual(messages(validatePodSpec(spec, 'spec')), [
    'spec.volumes[1].name: Duplicate value: "data"',
    'spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type',
    'spec.containers[0].volumeMounts[1].name: Not found: "gone"',
    'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/d": must be unique',
  ]);
});

test('probes: one handler; liveness success threshold is 1', () => {
  const spec = defaulted({ containers: [{ name: 'a', image: 'x', livenessProbe: { successThreshold: 2, exec: { command: ['true'] } }, readinessProbe: {} }] });
  assert.deepEqual(messages(validatePodSpec(spec, 'spec')), [
    'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    'spec.containers[0].readinessProbe: Required value: must specify a handler type',
  ]);
});

test('init containers: probes only with restartPolicy Always', () => {
  const spec = defaulted({ containers: [{ name: 'a', image: 'x' }], initContainers: [{ name: 'i', image: 'x', readinessProbe: { exec: { command: ['x'] } } }, { name: 's', image: 'x', restartPolicy: 'Always', readinessProbe: { exec: { command: ['x'] } } }] });
  assert.deepEqual(messages(validatePodSpec(spec, 'spec')), ['spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always']);
});

test('spec enums, tolerations and DNS config', () => {
  const spec = defaulted({ containers: [{ name: 'a', image: 'x' }], restartPolicy: 'Sometimes', dnsPolicy: 'None', tolerations: [{ operator: 'Equal', value: 'x' }] });
  assert.deepEqual(messages(validatePodSpec(spec, 'spec')), [
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    'spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None',
    'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
  ]);
});

test('hostNetwork: a template may leave hostPort unset, but not differ', () => {
  const spec = defaulted({ hostNetwork: true, containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80 }, { containerPort: 81, hostPort: 82 }] }] });
  assert.deepEqual(messages(validatePodSpec(spec, 'spec')), ['spec.containers[0].ports[1].hostPort: Invalid value: 82: must match `containerPort` when `hostNetwork` is true']);
});

test('pod templates: labels, annotations, spec and no ephemeral containers', () => {
  const template: any = { metadata: { labels: { app: '-x' } }, spec: { containers: [{ name: 'a', image: 'x' }], ephemeralContainers: [{ name: 'e', image: 'x' }] } };
  defaultPodTemplateSpec(template);
  const fields = validatePodTemplateSpec(template, 'spec.template').map((e) => e.field);
  assert.deepEqual(fields, ['spec.template.labels', 'spec.template.spec.ephemeralContainers']);
});
