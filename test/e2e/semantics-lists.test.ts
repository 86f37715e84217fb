// API semantics of reads, checked against kube-apiserver v1.32: paged lists and their snapshot,
// resourceVersion and resourceVersionMatch, label and field selectors, all-namespace lists;
// and the non-resource endpoints (version, health, metrics, discovery).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffServer } from './harness.ts';
import { RawApi, expectStatus } from './rawApi.ts';

let server: SkiffServer;
let api: RawApi;
before(async () => {
  server = await SkiffServer.start();
  api = await RawApi.of(server);
});
after(() => server?.stop());

async function createNamespace(name: string): Promise<void> {
  expectStatus(await api.request('POST', '/api/v1/namespaces', { metadata: { name } }), 201);
}

async function createConfigMap(namespace: string, name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): Promise<any> {
  const res = await api.request('POST', `/api/v1/namespaces/${namespace}/configmaps`, { metadata: { name, labels }, data });
  expectStatus(res, 201);
  return res.body;
}

const names = (list: any) => list.items.map((o: any) => o.metadata.name);

test('a paged list keeps the first page\'s snapshot across pages, whatever is written between them', async () => {
  await createNamespace('paging');
  for (const i of [1, 2, 3, 4, 5]) await createConfigMap('paging', `cm${i}`, {}, { v: 'old' });
  const path = '/api/v1/namespaces/paging/configmaps';
  const first = await api.get(`${path}?limit=2`);
  expectStatus(first, 200);
  assert.deepEqual(names(first.body), ['cm1', 'cm2']);
  const snapshot = first.body.metadata.resourceVersion;
  assert.ok(first.body.metadata.continue, 'a continue token');

  // Writes between pages: none of them shows in the later pages.
  await createConfigMap('paging', 'cm0');
  await createConfigMap('paging', 'cm35');
  expectStatus(await api.request('PATCH', `${path}/cm4`, { data: { v: 'new' } }, { contentType: 'application/merge-patch+json' }), 200);
  expectStatus(await api.request('DELETE', `${path}/cm5`), 200);

  const second = await api.get(`${path}?limit=2&continue=${first.body.metadata.continue}`);
  expectStatus(second, 200);
  assert.deepEqual(names(second.body), ['cm3', 'cm4']);
  assert.equal(second.body.metadata.resourceVersion, snapshot);
  assert.equal(second.body.items[1].data.v, 'old', 'cm4 as it was at the snapshot');
  const third = await api.get(`${path}?limit=2&continue=${second.body.metadata.continue}`);
  expectStatus(third, 200);
  assert.deepEqual(names(third.body), ['cm5']);
  assert.equal(third.body.metadata.continue, undefined, 'the last page has no continue token');

  const now = await api.get(path);
  assert.deepEqual(names(now.body), ['cm0', 'cm1', 'cm2', 'cm3', 'cm35', 'cm4']);
  // kubectl pages with --chunk-size and shows everything.
  const out = await server.ok(['get', 'configmaps', '-n', 'paging', '--chunk-size=2', '-o', 'name']);
  assert.deepEqual(out.trim().split('\n'), ['configmap/cm0', 'configmap/cm1', 'configmap/cm2', 'configmap/cm3', 'configmap/cm35', 'configmap/cm4']);
});

test('continue takes no resourceVersion or resourceVersionMatch, and a garbled token is a 400', async () => {
  const path = '/api/v1/namespaces/paging/configmaps';
  const token = (await api.get(`${path}?limit=1`)).body.metadata.continue;
  const withRv = await api.get(`${path}?limit=1&continue=${token}&resourceVersion=1`);
  expectStatus(withRv, 400);
  assert.equal(withRv.body.message, 'specifying resource version is not allowed when using continue');
  const withMatch = await api.get(`${path}?limit=1&continue=${token}&resourceVersion=1&resourceVersionMatch=NotOlderThan`);
  expectStatus(withMatch, 422);
  assert.match(withMatch.body.message, /ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided/);
  const garbled = await api.get(`${path}?limit=1&continue=not-a-token`);
  expectStatus(garbled, 400);
  assert.match(garbled.body.message, /^invalid continue token/);
});

test('resourceVersion=0 is served from the watch cache and ignores limit', async () => {
  const res = await api.get('/api/v1/namespaces/paging/configmaps?resourceVersion=0&limit=2');
  expectStatus(res, 200);
  assert.equal(res.body.items.length, 6);
  assert.equal(res.body.metadata.continue, undefined);
});

test('resourceVersionMatch=Exact lists the state at that revision; NotOlderThan the newest', async () => {
  await createNamespace('versions');
  await createConfigMap('versions', 'a', {}, { v: '1' });
  const before = (await api.get('/api/v1/namespaces/versions/configmaps')).body.metadata.resourceVersion;
  await createConfigMap('versions', 'b');
  expectStatus(await api.request('PATCH', '/api/v1/namespaces/versions/configmaps/a', { data: { v: '2' } }, { contentType: 'application/merge-patch+json' }), 200);

  const exact = await api.get(`/api/v1/namespaces/versions/configmaps?resourceVersion=${before}&resourceVersionMatch=Exact`);
  expectStatus(exact, 200);
  assert.equal(exact.body.metadata.resourceVersion, before);
  assert.deepEqual(names(exact.body), ['a']);
  assert.equal(exact.body.items[0].data.v, '1');
  // limit with a resourceVersion and no match is the legacy spelling of Exact.
  const legacy = await api.get(`/api/v1/namespaces/versions/configmaps?resourceVersion=${before}&limit=10`);
  assert.deepEqual(names(legacy.body), ['a']);
  assert.equal(legacy.body.metadata.resourceVersion, before);

  const notOlder = await api.get(`/api/v1/namespaces/versions/configmaps?resourceVersion=${before}&resourceVersionMatch=NotOlderThan`);
  expectStatus(notOlder, 200);
  assert.ok(Number(notOlder.body.metadata.resourceVersion) > Number(before));
  assert.deepEqual(names(notOlder.body), ['a', 'b']);
  assert.equal(notOlder.body.items[0].data.v, '2');
});

test('a bad resourceVersionMatch is a 422 Invalid ListOptions', async () => {
  const cases: [string, string][] = [
    ['resourceVersionMatch=Exact', 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'],
    ['resourceVersionMatch=Exact&resourceVersion=0', 'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"'],
    ['resourceVersionMatch=Newest&resourceVersion=1', 'resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""'],
    ['sendInitialEvents=true', 'sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list'],
  ];
  for (const [query, message] of cases) {
    const res = await api.get(`/api/v1/namespaces/default/configmaps?${query}`);
    expectStatus(res, 422);
    assert.equal(res.body.reason, 'Invalid');
    assert.equal(res.body.message, `ListOptions.meta.k8s.io "" is invalid: ${message}`, query);
    assert.equal(res.body.details.kind, 'ListOptions');
    assert.equal(res.body.details.group, 'meta.k8s.io');
  }
});

test('a resourceVersion from the future: NotOlderThan waits, then 504 Too large resource version; Exact at once', async () => {
  const current = Number((await api.get('/api/v1/namespaces/default/configmaps')).body.metadata.resourceVersion);
  const future = current + 1000;
  const started = Date.now();
  const res = await api.get(`/api/v1/namespaces/default/configmaps?resourceVersion=${future}`);
  expectStatus(res, 504);
  assert.ok(Date.now() - started >= 2500, 'the server waits for the revision before giving up');
  assert.equal(res.body.reason, 'Timeout');
  assert.match(res.body.message, new RegExp(`^Timeout: Too large resource version: ${future}, current: \\d+$`));
  assert.deepEqual(res.body.details.causes, [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }]);
  assert.equal(res.body.details.retryAfterSeconds, 1);

  const exact = await api.get(`/api/v1/namespaces/default/configmaps?resourceVersion=${future}&resourceVersionMatch=Exact`);
  expectStatus(exact, 504);
  assert.match(exact.body.message, /^Timeout: Too large resource version/);
});

test('lists across all namespaces show every namespace\'s objects', async () => {
  await createNamespace('other');
  await createConfigMap('other', 'elsewhere');
  await createConfigMap('default', 'here');
  const all = await api.get('/api/v1/configmaps');
  expectStatus(all, 200);
  const keys = all.body.items.map((o: any) => `${o.metadata.namespace}/${o.metadata.name}`);
  for (const key of ['other/elsewhere', 'default/here', 'paging/cm1', 'versions/a']) assert.ok(keys.includes(key), key);
  const table = await server.ok(['get', 'configmaps', '-A']);
  assert.match(table, /^NAMESPACE\s+NAME\s+DATA\s+AGE/);
  assert.match(table, /other\s+elsewhere\s+0/);
  // metadata.namespace selects in an all-namespace list.
  const selected = await api.get('/api/v1/configmaps?fieldSelector=metadata.namespace%3Dother');
  assert.deepEqual(names(selected.body), ['elsewhere']);
});

test('label selectors: equality and set-based, from the API and kubectl -l', async () => {
  await createNamespace('labels');
  await createConfigMap('labels', 'blue-prod', { color: 'blue', env: 'prod' });
  await createConfigMap('labels', 'red-prod', { color: 'red', env: 'prod' });
  await createConfigMap('labels', 'green-dev', { color: 'green', env: 'dev', legacy: 'true' });
  await createConfigMap('labels', 'plain');
  const cases: [string, string[]][] = [
    ['color=blue', ['blue-prod']],
    ['color==blue', ['blue-prod']],
    ['color!=blue', ['green-dev', 'plain', 'red-prod']],
    ['color in (blue,red)', ['blue-prod', 'red-prod']],
    ['color notin (blue,red)', ['green-dev', 'plain']],
    ['env', ['blue-prod', 'green-dev', 'red-prod']],
    ['!env', ['plain']],
    ['env=prod,color!=red', ['blue-prod']],
    ['env in (prod,dev),!legacy', ['blue-prod', 'red-prod']],
  ];
  for (const [selector, expected] of cases) {
    const res = await api.get(`/api/v1/namespaces/labels/configmaps?labelSelector=${encodeURIComponent(selector)}`);
    expectStatus(res, 200);
    assert.deepEqual(names(res.body), expected, selector);
  }
  assert.equal((await server.ok(['get', 'cm', '-n', 'labels', '-l', 'color notin (blue,red),env', '-o', 'name'])).trim(), 'configmap/green-dev');
  const bad = await api.get(`/api/v1/namespaces/labels/configmaps?labelSelector=${encodeURIComponent('color in blue')}`);
  expectStatus(bad, 400);
  assert.equal(bad.body.reason, 'BadRequest');
});

test('field selectors: per-kind fields, and a 400 for a field the kind does not have', async () => {
  await createNamespace('fields');
  const pod = (name: string, nodeName?: string) => ({ metadata: { name }, spec: { ...(nodeName ? { nodeName } : {}), schedulerName: 'manual', containers: [{ name: 'c', image: 'busybox' }] } });
  expectStatus(await api.request('POST', '/api/v1/namespaces/fields/pods', pod('on-node', 'node-a')), 201);
  expectStatus(await api.request('POST', '/api/v1/namespaces/fields/pods', pod('pending')), 201);
  const running = await api.request('PATCH', '/api/v1/namespaces/fields/pods/on-node/status', { status: { phase: 'Running' } }, { contentType: 'application/merge-patch+json' });
  expectStatus(running, 200);
  const event = (name: string, involved: string) => ({ metadata: { name }, involvedObject: { kind: 'Pod', name: involved, namespace: 'fields' }, reason: 'Test', message: 'm', type: 'Normal', firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:00Z', count: 1, source: { component: 'test' } });
  expectStatus(await api.request('POST', '/api/v1/namespaces/fields/events', event('e1', 'on-node')), 201);
  expectStatus(await api.request('POST', '/api/v1/namespaces/fields/events', event('e2', 'pending')), 201);
  expectStatus(await api.request('POST', '/api/v1/namespaces/fields/secrets', { metadata: { name: 'tls' }, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }), 201);
  expectStatus(await api.request('POST', '/api/v1/namespaces/fields/secrets', { metadata: { name: 'opaque' }, stringData: { a: 'b' } }), 201);

  const cases: [string, string, string[]][] = [
    ['pods', 'status.phase=Running', ['on-node']],
    ['pods', 'status.phase!=Running', ['pending']],
    ['pods', 'spec.nodeName=node-a', ['on-node']],
    ['pods', 'spec.nodeName=', ['pending']],
    ['pods', 'metadata.name=pending', ['pending']],
    ['pods', 'metadata.namespace=fields,status.phase=Pending', ['pending']],
    ['events', 'involvedObject.name=on-node,reason=Test', ['e1']],
    ['events', 'involvedObject.kind=Pod,involvedObject.name!=on-node,source=test', ['e2']],
    ['secrets', 'type=kubernetes.io/tls', ['tls']],
    ['secrets', 'type=Opaque', ['opaque']],
  ];
  for (const [plural, selector, expected] of cases) {
    const res = await api.get(`/api/v1/namespaces/fields/${plural}?fieldSelector=${encodeURIComponent(selector)}`);
    expectStatus(res, 200);
    assert.deepEqual(names(res.body), expected, `${plural} ${selector}`);
  }
  assert.equal((await server.ok(['get', 'pods', '-n', 'fields', '--field-selector=status.phase=Running', '-o', 'name'])).trim(), 'pod/on-node');

  // Kinds with their own field labels say so one way, the rest another (as upstream's conversion funcs do).
  const badPod = await api.get('/api/v1/namespaces/fields/pods?fieldSelector=spec.colour%3Dred');
  expectStatus(badPod, 400);
  assert.equal(badPod.body.message, 'field label not supported: spec.colour');
  const badConfigMap = await api.get('/api/v1/namespaces/fields/configmaps?fieldSelector=data.x%3Dy');
  expectStatus(badConfigMap, 400);
  assert.equal(badConfigMap.body.message, '"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"');
  const stderr = await server.fails(['get', 'pods', '-n', 'fields', '--field-selector=spec.colour=red']);
  assert.match(stderr, /field label not supported: spec.colour/);
});

// ---- non-resource endpoints

test('/version answers v1.32', async () => {
  const res = await api.get('/version', { auth: false });
  expectStatus(res, 200);
  assert.equal(res.body.major, '1');
  assert.equal(res.body.minor, '32');
  assert.equal(res.body.gitVersion, 'v1.32.0+skiff');
  assert.match(await server.ok(['version']), /Server Version: v1\.32\.0\+skiff/);
});

test('/healthz, /livez and /readyz answer ok without credentials', async () => {
  for (const path of ['/healthz', '/livez', '/readyz']) {
    const res = await api.get(path, { auth: false });
    expectStatus(res, 200);
    assert.equal(res.text, 'ok', path);
  }
  expectStatus(await api.get('/metrics', { auth: false }), 401);
});

test('/metrics counts requests by verb and resource, with a latency histogram', async () => {
  expectStatus(await api.get('/api/v1/namespaces/default/configmaps'), 200);
  expectStatus(await api.get('/api/v1/namespaces/default/configmaps/here'), 200);
  expectStatus(await api.request('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'metered' } }), 201);
  const res = await api.get('/metrics');
  expectStatus(res, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain/);
  const has = (name: string, labels: Record<string, string>) => samples(res.text, name).some((s) => Object.entries(labels).every(([k, v]) => s[k] === v));
  assert.ok(has('apiserver_request_total', { verb: 'LIST', resource: 'configmaps', code: '200' }));
  assert.ok(has('apiserver_request_total', { verb: 'GET', resource: 'configmaps', code: '200' }));
  assert.ok(has('apiserver_request_duration_seconds_bucket', { verb: 'LIST', resource: 'configmaps', le: '+Inf' }));
  assert.ok(has('apiserver_request_duration_seconds_count', { verb: 'GET', resource: 'configmaps' }));
  assert.ok(has('apiserver_request_total', { verb: 'POST', resource: 'configmaps', code: '201' }), 'creates are POST, as upstream labels them');
});

/** The label sets of a metric's samples in Prometheus text. */
function samples(text: string, name: string): Record<string, string>[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`)).map((line) => Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]])));
}

test('legacy discovery lists subresources as resource/subresource', async () => {
  const core = await api.get('/api/v1');
  expectStatus(core, 200);
  assert.equal(core.body.kind, 'APIResourceList');
  assert.equal(core.body.groupVersion, 'v1');
  const coreNames = core.body.resources.map((r: any) => r.name);
  for (const name of ['pods', 'pods/status', 'pods/binding', 'namespaces/finalize', 'configmaps']) assert.ok(coreNames.includes(name), name);
  const apps = await api.get('/apis/apps/v1');
  expectStatus(apps, 200);
  const byName = new Map(apps.body.resources.map((r: any) => [r.name, r]));
  assert.deepEqual(byName.get('deployments/status'), { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get', 'patch', 'update'] });
  assert.deepEqual(byName.get('deployments/scale'), { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  const deployments: any = byName.get('deployments');
  assert.equal(deployments.kind, 'Deployment');
  assert.deepEqual(deployments.shortNames, ['deploy']);
  const group = await api.get('/apis/apps');
  assert.equal(group.body.preferredVersion.groupVersion, 'apps/v1');
});

test('aggregated discovery v2 answers with its own Content-Type', async () => {
  const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;q=0.9';
  const apis = await api.get('/apis', { accept });
  expectStatus(apis, 200);
  assert.equal(apis.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  assert.equal(apis.body.kind, 'APIGroupDiscoveryList');
  const apps = apis.body.items.find((g: any) => g.metadata.name === 'apps');
  const deployments = apps.versions[0].resources.find((r: any) => r.resource === 'deployments');
  assert.deepEqual(deployments.subresources.map((s: any) => s.subresource).sort(), ['scale', 'status']);
  assert.deepEqual(deployments.subresources.find((s: any) => s.subresource === 'scale').responseKind, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  const legacy = await api.get('/api', { accept });
  assert.equal(legacy.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  assert.equal(legacy.body.items[0].versions[0].version, 'v1');
  // Without the v2 Accept, the legacy documents.
  const plain = await api.get('/apis');
  assert.equal(plain.body.kind, 'APIGroupList');
  assert.match(await server.ok(['api-resources', '--api-group=apps']), /deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
});
