// Acceptance 7: bad input gets the right 4xx Status, the server keeps serving, nothing is stored.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { SkiffServer } from './harness.ts';
import { webDeployment } from './manifests.ts';

let server: SkiffServer;
let token: string;
let ca: string;
before(async () => {
  server = await SkiffServer.start();
  const config = await readFile(server.kubeconfig, 'utf8');
  token = /token: (\S+)/.exec(config)![1];
  ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(config)![1], 'base64').toString();
});
after(() => server?.stop());

/** A raw request, for what kubectl would refuse to send. */
async function request(method: string, path: string, body?: string | Buffer, contentType = 'application/json', auth = true): Promise<{ status: number; body: any }> {
  const { request: httpsRequest } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: server.port, path, method, ca, headers: { 'Content-Type': contentType, ...(auth ? { Authorization: `Bearer ${token}` } : {}) } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let parsed: any = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode!, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const deployments = '/apis/apps/v1/namespaces/default/deployments';

async function assertNothingStored(): Promise<void> {
  const list = await request('GET', deployments);
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.items, []);
}

test('requests without credentials get 401', async () => {
  const res = await request('GET', deployments, undefined, 'application/json', false);
  assert.equal(res.status, 401);
  assert.equal(res.body.reason, 'Unauthorized');
});

test('malformed JSON is a 400', async () => {
  const res = await request('POST', deployments, '{"apiVersion": "apps/v1", "kind": ');
  assert.equal(res.status, 400);
  assert.equal(res.body.kind, 'Status');
  assert.equal(res.body.reason, 'BadRequest');
  await assertNothingStored();
});

test('malformed YAML is a 400 from kubectl too', async () => {
  const res = await request('POST', deployments, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: [oops\n', 'application/yaml');
  assert.equal(res.status, 400);
  assert.match(res.body.message, /yaml|YAML/);
  const stderr = await server.fails(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: {' });
  assert.match(stderr, /error/i);
  await assertNothingStored();
});

test('unknown fields are refused by kubectl apply (strict field validation)', async () => {
  const stderr = await server.fails(['apply', '-f', '-'], { input: webDeployment().replace('replicas: 3', 'replicas: 3\n  replicaz: 4') });
  assert.match(stderr, /unknown field "spec.replicaz"/);
  await assertNothingStored();
});

test('fieldValidation=Warn stores the object and warns; Ignore stays quiet', async () => {
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'warned' }, data: { a: '1' }, extra: true });
  const warned = await request('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Warn', body);
  assert.equal(warned.status, 201);
  const strict = await request('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', body.replace('warned', 'strict'));
  assert.equal(strict.status, 400);
  assert.match(strict.body.message, /strict decoding error: unknown field "extra"/);
});

test('a duplicate field is refused under Strict', async () => {
  const res = await request('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","name":"dup2"}}');
  assert.equal(res.status, 400);
  assert.match(res.body.message, /duplicate field "metadata.name"/);
});

test('a value of the wrong type is a 400 naming the field', async () => {
  const stderr = await server.fails(['apply', '-f', '-'], { input: webDeployment().replace('replicas: 3', 'replicas: three') });
  assert.match(stderr, /spec.replicas/);
  await assertNothingStored();
});

test('an invalid name is a 422 Invalid with the field path', async () => {
  const res = await request('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } }));
  assert.equal(res.status, 422);
  assert.equal(res.body.reason, 'Invalid');
  assert.equal(res.body.details.causes[0].field, 'metadata.name');
  assert.match(res.body.message, /ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
  const stderr = await server.fails(['create', 'deployment', 'Bad_Name', '--image=nginx']);
  assert.match(stderr, /is invalid/);
  await assertNothingStored();
});

test('a body over 3 MiB is a 413', async () => {
  const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: 'x'.repeat(3 * 1024 * 1024 + 10) } });
  const res = await request('POST', '/api/v1/namespaces/default/configmaps', big);
  assert.equal(res.status, 413);
  const list = await request('GET', '/api/v1/namespaces/default/configmaps/big');
  assert.equal(list.status, 404);
});

test('a stale resourceVersion is a 409 Conflict', async () => {
  const created = await request('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cas' }, data: { v: '1' } }));
  assert.equal(created.status, 201);
  const first = { ...created.body, data: { v: '2' } };
  assert.equal((await request('PUT', '/api/v1/namespaces/default/configmaps/cas', JSON.stringify(first))).status, 200);
  const stale = await request('PUT', '/api/v1/namespaces/default/configmaps/cas', JSON.stringify({ ...created.body, data: { v: '3' } }));
  assert.equal(stale.status, 409);
  assert.equal(stale.body.reason, 'Conflict');
  assert.match(stale.body.message, /the object has been modified/);
  const now = await request('GET', '/api/v1/namespaces/default/configmaps/cas');
  assert.equal(now.body.data.v, '2');
});

test('the namespace must exist', async () => {
  const res = await request('POST', '/api/v1/namespaces/nope/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }));
  assert.equal(res.status, 404);
  assert.match(res.body.message, /namespaces "nope" not found/);
});

test('the server is still serving after all that', async () => {
  assert.match(await server.ok(['get', 'ns', 'default']), /default\s+Active/);
});
