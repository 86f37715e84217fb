import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtobufBody } from './decode.ts';

// A tiny protobuf encoder: each helper writes one field, so a test spells out the wire by number.
type Bytes = number[];
const varint = (n: number | bigint): Bytes => {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: Bytes = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? low | 0x80 : low);
  } while (v);
  return out;
};
const num = (field: number, n: number | bigint | boolean): Bytes => [...varint(field << 3), ...varint(typeof n === 'boolean' ? Number(n) : n)];
const raw = (field: number, data: Bytes | Uint8Array): Bytes => [...varint((field << 3) | 2), ...varint(data.length), ...data];
const str = (field: number, s: string): Bytes => raw(field, [...Buffer.from(s)]);
const msg = (field: number, ...fields: Bytes[]): Bytes => raw(field, fields.flat());
/** A map entry: key=1, value=2. */
const entry = (field: number, key: string, value: Bytes): Bytes => msg(field, str(1, key), value);
const quantity = (field: number, q: string): Bytes => msg(field, str(1, q));
const intOrString = (field: number, v: number | string): Bytes =>
  typeof v === 'number' ? msg(field, num(1, 0), num(2, v), str(3, '')) : msg(field, num(1, 1), num(2, 0), str(3, v));
const body = (apiVersion: string, kind: string, ...fields: Bytes[]): Uint8Array =>
  Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...msg(1, str(1, apiVersion), str(2, kind)), ...raw(2, fields.flat()), ...str(3, ''), ...str(4, '')]);

test('a Deployment with containers, ports, resources, probes, volumes and IntOrString strategy', () => {
  const container = [
    str(1, 'web'),
    str(2, 'nginx:1.27'),
    str(4, '--port'), str(4, '8080'),
    str(5, ''), // omitempty and empty: dropped
    msg(6, str(1, 'http'), num(2, 0), num(3, 8080), str(4, 'TCP'), str(5, '')),
    msg(7, str(1, 'MODE'), str(2, 'prod')),
    msg(8, entry(1, 'cpu', quantity(2, '500m')), entry(1, 'memory', quantity(2, '128Mi')), entry(2, 'cpu', quantity(2, '100m'))),
    msg(9, str(1, 'cache'), num(2, false), str(3, '/cache')),
    // Probe: its ProbeHandler (field 1) prints inline; HTTPGetAction.port is an IntOrString.
    msg(11, msg(1, msg(2, str(1, '/healthz'), intOrString(2, 'http'))), num(2, 5), num(3, 0)),
  ];
  const podSpec = [
    msg(1, str(1, 'cache'), msg(2, msg(2, str(1, 'Memory'), quantity(2, '64Mi')))), // VolumeSource prints inline
    msg(2, ...container),
    str(3, 'Always'),
    num(4, 30),
  ];
  const deployment = body('apps/v1', 'Deployment',
    msg(1, str(1, 'web'), str(3, 'prod'), num(7, 0), msg(8), entry(11, 'app', str(2, 'web'))),
    msg(2,
      num(1, 3),
      msg(2, entry(1, 'app', str(2, 'web'))),
      msg(3, msg(1, entry(11, 'app', str(2, 'web'))), msg(2, ...podSpec)),
      msg(4, str(1, 'RollingUpdate'), msg(2, intOrString(1, '25%'), intOrString(2, 1))),
      num(5, 0), // minReadySeconds: a value field with omitempty
      num(6, 0), // revisionHistoryLimit: a pointer, so an explicit 0 stays
      num(7, false),
    ),
    msg(3),
  );

  const decoded = decodeProtobufBody(deployment);
  assert.equal(decoded.apiVersion, 'apps/v1');
  assert.equal(decoded.kind, 'Deployment');
  assert.deepEqual(decoded.object, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'prod', creationTimestamp: null, labels: { app: 'web' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          volumes: [{ name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }],
          containers: [{
            name: 'web',
            image: 'nginx:1.27',
            args: ['--port', '8080'],
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            env: [{ name: 'MODE', value: 'prod' }],
            resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } },
            volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
            readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 5 },
          }],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
      revisionHistoryLimit: 0,
    },
    status: {},
  });
});

test('a Secret: bytes print as base64, stringData as text', () => {
  const secret = body('v1', 'Secret',
    msg(1, str(1, 'creds'), msg(8, num(1, 1704164645))),
    entry(2, 'key', raw(2, [0x00, 0xff, 0x10])),
    entry(2, 'empty', raw(2, [])),
    str(3, 'Opaque'),
    entry(4, 'user', str(2, 'admin')),
    num(5, true),
  );
  assert.deepEqual(decodeProtobufBody(secret).object, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'creds', creationTimestamp: '2024-01-02T03:04:05Z' },
    data: { key: 'AP8Q', empty: '' },
    type: 'Opaque',
    stringData: { user: 'admin' },
    immutable: true,
  });
});

test('a Namespace with finalizers and a status', () => {
  const namespace = body('v1', 'Namespace',
    msg(1, str(1, 'team-a'), str(2, ''), num(7, 0), entry(12, 'owner', str(2, 'me'))),
    msg(2, str(1, 'kubernetes')),
    msg(3, str(1, 'Active')),
  );
  assert.deepEqual(decodeProtobufBody(namespace).object, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'team-a', annotations: { owner: 'me' } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });
});

test('a Job: pointer integers keep an explicit zero, int64 beyond 32 bits is a number', () => {
  const job = body('batch/v1', 'Job',
    msg(1, str(1, 'pi'), msg(13, str(5, 'batch/v1'), str(1, 'CronJob'), str(3, 'nightly'), str(4, 'uid-1'), num(6, true))),
    msg(2,
      num(1, 2),
      num(2, 3),
      num(3, 2 ** 40),
      num(7, 0),
      str(9, 'Indexed'),
      msg(6, msg(2, msg(2, str(1, 'pi'), str(2, 'perl'), str(3, 'perl'), str(3, '-e1')), str(3, 'Never'))),
    ),
  );
  assert.deepEqual(decodeProtobufBody(job).object, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'uid-1', controller: true }] },
    spec: {
      parallelism: 2,
      completions: 3,
      activeDeadlineSeconds: 2 ** 40,
      backoffLimit: 0,
      completionMode: 'Indexed',
      template: { spec: { containers: [{ name: 'pi', image: 'perl', command: ['perl', '-e1'] }], restartPolicy: 'Never' } },
    },
  });
});

test('a SelfSubjectAccessReview and a SubjectAccessReview with extra', () => {
  const ssar = body('authorization.k8s.io/v1', 'SelfSubjectAccessReview',
    msg(1, msg(8)),
    msg(2, msg(1, str(1, 'default'), str(2, 'get'), str(3, ''), str(5, 'pods'))),
    msg(3, num(1, false), str(3, '')),
  );
  assert.deepEqual(decodeProtobufBody(ssar).object, {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: { creationTimestamp: null },
    spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } },
    status: { allowed: false },
  });
  const sar = body('authorization.k8s.io/v1', 'SubjectAccessReview',
    msg(2, msg(2, str(1, '/healthz'), str(2, 'get')), str(3, 'alice'), str(4, 'devs'), entry(5, 'scopes', msg(2, str(1, 'a'), str(1, 'b'))), str(6, 'u-1')),
  );
  assert.deepEqual(decodeProtobufBody(sar).object.spec, {
    nonResourceAttributes: { path: '/healthz', verb: 'get' },
    user: 'alice',
    groups: ['devs'],
    extra: { scopes: ['a', 'b'] },
    uid: 'u-1',
  });
});

test('DeleteOptions decodes under any apiVersion', () => {
  const options = body('apps/v1', 'DeleteOptions', num(1, 0), msg(2, str(1, 'uid-1')), str(4, 'Foreground'), str(5, 'All'));
  assert.deepEqual(decodeProtobufBody(options).object, {
    apiVersion: 'apps/v1',
    kind: 'DeleteOptions',
    gracePeriodSeconds: 0,
    preconditions: { uid: 'uid-1' },
    propagationPolicy: 'Foreground',
    dryRun: ['All'],
  });
});

test('packed and unpacked repeated integers, negative int64, and a zero-valued IntOrString', () => {
  const pod = body('v1', 'Pod',
    msg(2,
      msg(14, raw(4, [...varint(1000), ...varint(2000)]), num(4, 3000), num(2, -1)),
      msg(2, str(1, 'c')),
    ),
  );
  assert.deepEqual(decodeProtobufBody(pod).object.spec, {
    securityContext: { supplementalGroups: [1000, 2000, 3000], runAsUser: -1 },
    containers: [{ name: 'c' }],
  });
  const service = body('v1', 'Service', msg(2, msg(1, num(3, 80), intOrString(4, 0))));
  assert.deepEqual(decodeProtobufBody(service).object.spec, { ports: [{ port: 80, targetPort: 0 }] });
});

test('MicroTime keeps microseconds; map values may be Times; unknown fields are skipped', () => {
  const event = body('v1', 'Event',
    msg(1, str(1, 'e'), num(99, 7), str(98, 'from a newer version')),
    msg(10, num(1, 1704164645), num(2, 123456789)),
  );
  assert.deepEqual(decodeProtobufBody(event).object, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e' },
    eventTime: '2024-01-02T03:04:05.123456Z',
  });
  const pdb = body('policy/v1', 'PodDisruptionBudget', msg(3, entry(2, 'web-1', msg(2, num(1, 0))), num(3, 0)));
  assert.deepEqual(decodeProtobufBody(pdb).object.status, { disruptedPods: { 'web-1': '1970-01-01T00:00:00Z' }, disruptionsAllowed: 0 });
});

test('a map key "__proto__" becomes an own property', () => {
  const configMap = body('v1', 'ConfigMap', entry(2, '__proto__', str(2, 'x')));
  const data = decodeProtobufBody(configMap).object.data as Record<string, unknown>;
  assert.deepEqual(Object.keys(data), ['__proto__']);
  assert.equal(Object.getPrototypeOf(data), Object.prototype);
});

test('a message field seen twice merges, as Go does', () => {
  const namespace = body('v1', 'Namespace', msg(1, str(1, 'a')), msg(1, entry(11, 'k', str(2, 'v'))));
  assert.deepEqual(decodeProtobufBody(namespace).object.metadata, { name: 'a', labels: { k: 'v' } });
});

test('bodies that are not Kubernetes protobuf, or malformed, or of unknown kinds are clear errors', () => {
  assert.throws(() => decodeProtobufBody(Buffer.from('{"kind":"Pod"}')), /does not start with the Kubernetes protobuf prefix/);
  assert.throws(() => decodeProtobufBody(body('v1', 'Gizmo')), /no kind "Gizmo" is registered for version "v1"/);
  assert.throws(() => decodeProtobufBody(body('example.com/v1', 'Pod')), /no kind "Pod" is registered for version "example.com\/v1"/);
  assert.throws(() => decodeProtobufBody(body('v1', '')), /Object 'Kind' is missing/);
  assert.throws(() => decodeProtobufBody(body('v1', 'Namespace', [0x0a, 0x05, 0x0a])), /core\/v1.Namespace: length-delimited field at byte 1 runs past the end/);
  assert.throws(() => decodeProtobufBody(body('v1', 'Namespace', msg(1, num(1, 5)))), /meta\/v1.ObjectMeta: field name has wire type 0, expected 2/);
  assert.throws(() => decodeProtobufBody(body('v1', 'Service', msg(2, msg(1, msg(4, num(1, 7)))))), /impossible type 7/);
  const gzipped = Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...msg(1, str(1, 'v1'), str(2, 'Namespace')), ...str(3, 'gzip')]);
  assert.throws(() => decodeProtobufBody(gzipped), /unsupported contentEncoding "gzip"/);
});
