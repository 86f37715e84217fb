// The ingress controller against a real `skiff server` (no control loops): local HTTP servers
// stand in for pods, their addresses (127.0.0.1, one port each) put into EndpointSlices by
// hand. Host and path routing, the default backend, 404 and 503, round-robin and retry,
// X-Forwarded-*, streaming, websockets, TLS with SNI from a Secret, Ingress status, class
// selection, and routes following changes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import WebSocket, { WebSocketServer } from 'ws';
import { SkiffServer, waitFor, withoutControlLoops } from '../../../test/e2e/harness.ts';
import { createHttpClient, loadKubeconfig } from '../../client/httpClient.ts';
import type { Client } from '../../client/client.ts';
import { types } from '../../client/resourceTypes.ts';
import { startIngressController, type IngressController } from './ingressController.ts';
import { ingressClassType, type IngressClassObject } from './ingressClass.ts';
import { createSelfSignedCertificate } from './selfSignedCertificate.ts';
import type { IngressObject } from './routingTable.ts';

const ns = 'default';
let server: SkiffServer;
let client: Client;
let ingress: IngressController;
const pods: Server[] = [];
/** Name -> port of each fake pod. */
const podPorts = new Map<string, number>();
/** Resolvers of the streaming pod's pending responses. */
const streamGates: (() => void)[] = [];

before(async () => {
  server = await SkiffServer.start(undefined, 0, [...withoutControlLoops, '--disable-ingress']); // this test runs its own controller
  client = createHttpClient(loadKubeconfig(server.kubeconfig));
  for (const name of ['web-1', 'web-2', 'api', 'wild', 'fallback', 'other']) await startPod(name);
  ingress = await startIngressController({ client, httpPort: 0, httpsPort: 0, host: '127.0.0.1' });
  await service('web', ['web-1', 'web-2']);
  await service('api', ['api']);
  await service('wild', ['wild']);
  await service('fallback', ['fallback']);
  await service('other', ['other']);
  await service('empty', []);
});

after(async () => {
  await ingress?.stop();
  for (const pod of pods) pod.closeAllConnections();
  await Promise.all(pods.map((pod) => new Promise((resolve) => pod.close(resolve))));
  await server?.stop();
});

/** A fake pod: answers with its name, the path and the headers it got; /stream answers in two parts; /ws is a websocket echo. */
async function startPod(name: string): Promise<void> {
  const pod = createServer((req, res) => {
    if (req.url === '/echo') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      req.pipe(res);
      return;
    }
    if (req.url === '/truncated') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
      res.write('only part', () => res.destroy());
      return;
    }
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first;');
      streamGates.push(() => res.end('second'));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-pod': name, connection: 'keep-alive, x-private', 'x-private': 'hop' });
    res.end(JSON.stringify({ pod: name, url: req.url, headers: req.headers }));
  });
  const websockets = new WebSocketServer({ server: pod, path: '/ws' });
  websockets.on('connection', (socket, req) => socket.on('message', (data) => socket.send(`${name} echoes ${data} for ${req.headers['x-forwarded-for']}`)));
  await new Promise<void>((resolve) => pod.listen(0, '127.0.0.1', resolve));
  pods.push(pod);
  podPorts.set(name, (pod.address() as AddressInfo).port);
}

/** A Service without a selector (port 80, named http) and one EndpointSlice per pod (each pod listens on its own port). */
async function service(name: string, backends: string[]): Promise<void> {
  await client.create(types.services, { metadata: { name, namespace: ns }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
  for (const pod of backends) await client.create(types.endpointSlices, endpointSlice(name, pod, podPorts.get(pod)!));
}

function endpointSlice(service: string, pod: string, port: number, ready = true) {
  return {
    metadata: { name: `${service}-${pod}`, namespace: ns, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port, protocol: 'TCP' }],
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready }, targetRef: { kind: 'Pod', namespace: ns, name: pod } }],
  };
}

const backend = (name: string, port: object = { number: 80 }) => ({ service: { name, port } });
const path = (p: string, service: string, pathType = 'Prefix') => ({ path: p, pathType, backend: backend(service) });

async function createIngress(name: string, spec: object): Promise<void> {
  await client.create(types.ingresses, { metadata: { name, namespace: ns }, spec });
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The JSON a fake pod answers with. */
  json: { pod: string; url: string; headers: IncomingHttpHeaders } | undefined;
}

function get(host: string, url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: ingress.httpPort, path: url, headers: { host, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, json: res.headers['content-type'] === 'application/json' ? JSON.parse(body) : undefined }));
      res.on('close', () => {
        if (!res.complete) reject(new Error(`response cut short after ${JSON.stringify(body)}`));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls until a request is answered by the pod expected (or with the status expected). */
function until(host: string, url: string, expected: string | number): Promise<Answer> {
  return waitFor(async () => {
    const answer = await get(host, url);
    return (typeof expected === 'number' ? answer.status === expected : answer.json?.pod === expected) && answer;
  }, 10_000, `${host}${url} to answer ${expected}`);
}

test('the skiff IngressClass exists and is the default', async () => {
  const skiff = await client.get<IngressClassObject>(ingressClassType, undefined, 'skiff');
  assert.equal(skiff.spec?.controller, 'skiff.dev/ingress');
  assert.equal(skiff.metadata?.annotations?.['ingressclass.kubernetes.io/is-default-class'], 'true');
});

test('hosts and paths route to their Services; unmatched requests get a 404', async () => {
  await createIngress('site', {
    rules: [
      { host: 'site.example.com', http: { paths: [path('/', 'web'), path('/api', 'api'), path('/api/exact', 'other', 'Exact')] } },
      { host: '*.wild.example.com', http: { paths: [path('/', 'wild')] } },
    ],
  });
  await waitFor(async () => (await get('site.example.com', '/')).json?.pod.startsWith('web-'), 10_000, 'site.example.com to answer');
  assert.equal((await get('site.example.com', '/api/v1?x=1')).json?.pod, 'api');
  assert.equal((await get('site.example.com', '/api/v1?x=1')).json?.url, '/api/v1?x=1', 'the path and query pass unchanged');
  assert.equal((await get('site.example.com', '/apix')).json?.pod?.startsWith('web'), true);
  assert.equal((await get('site.example.com', '/api/exact')).json?.pod, 'other');
  assert.equal((await get('site.example.com', '/api/exact/')).json?.pod, 'api');
  assert.equal((await get('a.wild.example.com', '/')).json?.pod, 'wild');
  const missing = await get('nowhere.example.com', '/');
  assert.equal(missing.status, 404);
  assert.equal(missing.body, '404 page not found\n');
});

test('requests are spread round-robin over the ready endpoints, and one that refuses connections is passed over', async () => {
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) seen.add((await get('site.example.com', '/')).json!.pod);
  assert.deepEqual([...seen].sort(), ['web-1', 'web-2']);
  // An endpoint whose port nobody listens on: alone, a 502; beside a live one, never seen.
  const dead = createServer();
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
  const deadPort = (dead.address() as AddressInfo).port;
  await new Promise((resolve) => dead.close(resolve));
  await service('flaky', []);
  await client.create(types.endpointSlices, endpointSlice('flaky', 'dead', deadPort));
  await createIngress('flaky', { rules: [{ host: 'flaky.example.com', http: { paths: [path('/', 'flaky')] } }] });
  assert.equal((await until('flaky.example.com', '/', 502)).body, '502 Bad Gateway\n');
  await client.create(types.endpointSlices, endpointSlice('flaky', 'web-1', podPorts.get('web-1')!));
  await until('flaky.example.com', '/', 'web-1');
  for (let i = 0; i < 6; i++) assert.equal((await get('flaky.example.com', '/')).json?.pod, 'web-1');
});

test('the backend learns the client and the original request from X-Forwarded-* and X-Real-IP; hop-by-hop headers stay behind', async () => {
  const answer = await get('site.example.com:8080', '/api', { 'x-forwarded-for': '6.6.6.6', 'keep-alive': 'timeout=5', connection: 'keep-alive, x-secret', 'x-secret': 's', 'x-custom': 'kept' });
  const headers = answer.json!.headers;
  assert.equal(headers['x-forwarded-for'], '127.0.0.1');
  assert.equal(headers['x-real-ip'], '127.0.0.1');
  assert.equal(headers['x-forwarded-proto'], 'http');
  assert.equal(headers['x-forwarded-host'], 'site.example.com:8080');
  assert.equal(headers['x-forwarded-port'], String(ingress.httpPort));
  assert.equal(headers.host, 'site.example.com:8080', 'the Host header passes unchanged');
  assert.equal(headers['x-custom'], 'kept');
  assert.equal(headers['x-secret'], undefined);
  assert.equal(headers['keep-alive'], undefined);
  assert.equal(answer.headers['x-pod'], 'api');
  assert.equal(answer.headers['x-private'], undefined, 'what the backend named in Connection stays behind');
});

test('a response streams through as the backend writes it', async () => {
  const { promise: firstPart, resolve: gotFirstPart } = Promise.withResolvers<string>();
  const done = new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: ingress.httpPort, path: '/stream', headers: { host: 'site.example.com' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
        if (body === 'first;') gotFirstPart(body);
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(await firstPart, 'first;', 'the first part arrives while the backend still holds the response open');
  streamGates.shift()!();
  assert.equal(await done, 'first;second');
});

test('a request body streams to the backend; a response cut short stays cut short', async () => {
  const echoed = await new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: ingress.httpPort, method: 'POST', path: '/echo', headers: { host: 'site.example.com', 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
        // The backend echoes each part before the request ends: nothing is buffered on the way.
        if (body === 'one;') req.end('two');
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.write('one;');
  });
  assert.equal(echoed, 'one;two');
  await assert.rejects(get('site.example.com', '/truncated'), /response cut short after "only part"/);
});

test('a websocket upgrade goes through to the backend', async () => {
  const socket = new WebSocket(`ws://127.0.0.1:${ingress.httpPort}/ws`, { headers: { host: 'a.wild.example.com' } });
  const reply = new Promise<string>((resolve, reject) => {
    socket.once('message', (data) => resolve(String(data)));
    socket.once('error', reject);
  });
  socket.once('open', () => socket.send('hello'));
  assert.equal(await reply, 'wild echoes hello for 127.0.0.1');
  socket.close();
});

test('a Service without endpoints is a 503; the default backend takes what no rule does', async () => {
  await createIngress('catch-all', { defaultBackend: backend('fallback', { name: 'http' }) });
  await createIngress('empty', { rules: [{ host: 'empty.example.com', http: { paths: [path('/', 'empty')] } }] });
  const unavailable = await until('empty.example.com', '/', 503);
  assert.equal(unavailable.body, '503 Service Unavailable\n');
  await until('nowhere.example.com', '/', 'fallback');
  // A websocket to a backend without endpoints is refused the same way.
  const refused = new WebSocket(`ws://127.0.0.1:${ingress.httpPort}/ws`, { headers: { host: 'empty.example.com' } });
  const status = await new Promise<number>((resolve) => refused.once('unexpected-response', (_req, res) => resolve(res.statusCode!)));
  assert.equal(status, 503);
});

test('routes follow changes to the Ingress, its Service\'s endpoints and the Service', async () => {
  await createIngress('moving', { rules: [{ host: 'moving.example.com', http: { paths: [path('/', 'other')] } }] });
  await until('moving.example.com', '/', 'other');
  await client.patch(types.ingresses, ns, 'moving', 'json', [{ op: 'replace', path: '/spec/rules/0/http/paths/0/backend/service/name', value: 'api' }]);
  await until('moving.example.com', '/', 'api');
  await client.update(types.endpointSlices, { ...endpointSlice('api', 'api', podPorts.get('api')!, false) });
  await until('moving.example.com', '/', 503);
  await client.update(types.endpointSlices, { ...endpointSlice('api', 'api', podPorts.get('other')!) });
  await until('moving.example.com', '/', 'other');
  await client.delete(types.services, ns, 'api');
  await until('moving.example.com', '/', 503);
});

test('TLS: the certificate of the Secret for the SNI name, the default certificate for other names, routing by Host', async () => {
  const { cert, key } = await createSelfSignedCertificate('secure.example.com', ['secure.example.com']);
  await client.create(types.secrets, {
    metadata: { name: 'secure-tls', namespace: ns },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(cert).toString('base64'), 'tls.key': Buffer.from(key).toString('base64') },
  });
  await createIngress('secure', { tls: [{ hosts: ['secure.example.com'], secretName: 'secure-tls' }], rules: [{ host: 'secure.example.com', http: { paths: [path('/', 'other')] } }] });
  const answer = await waitFor(() => getTls('secure.example.com', cert).catch(() => undefined), 10_000, 'the Secret\'s certificate');
  assert.equal(answer.status, 200);
  assert.equal(answer.json.pod, 'other');
  assert.equal(answer.json.headers['x-forwarded-proto'], 'https');
  assert.equal(answer.json.headers['x-forwarded-port'], String(ingress.httpsPort));
  const other = await getTls('nowhere.example.com', undefined);
  assert.equal(other.subject, 'skiff ingress default certificate');
  assert.equal(other.json?.pod, 'fallback');
});

/** GET / over TLS with SNI (and Host) set to host: verified against ca when given. */
function getTls(host: string, ca: string | undefined): Promise<{ status: number; subject: string; json: any }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: ingress.httpsPort, servername: host, path: '/', headers: { host }, ca, rejectUnauthorized: !!ca, agent: false }, (res) => {
      const subject = String((res.socket as TLSSocket).getPeerCertificate().subject?.CN);
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, subject, json: body.startsWith('{') ? JSON.parse(body) : undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('served Ingresses show where the ingress listens; those of another class are neither served nor given a status', async () => {
  const served = await waitFor(async () => {
    const ing = await client.get<IngressObject>(types.ingresses, ns, 'site');
    return ing.status?.loadBalancer?.ingress?.length && ing;
  }, 10_000, 'the status of site');
  assert.deepEqual(served.status?.loadBalancer, { ingress: [{ ip: '127.0.0.1', ports: [{ port: ingress.httpPort, protocol: 'TCP' }, { port: ingress.httpsPort, protocol: 'TCP' }] }] });
  assert.match(await server.ok(['get', 'ingress', 'site']), /site\s+skiff\s+site\.example\.com,\*\.wild\.example\.com\s+127\.0\.0\.1\s+80\s/);

  await createIngress('elsewhere', { ingressClassName: 'nginx', rules: [{ host: 'elsewhere.example.com', http: { paths: [path('/', 'other')] } }] });
  // The catch-all's default backend answers instead of the rule of the Ingress not served.
  assert.equal((await get('elsewhere.example.com', '/')).json?.pod, 'fallback');
  await client.patch(types.ingresses, ns, 'elsewhere', 'merge', { spec: { ingressClassName: 'skiff' } });
  await until('elsewhere.example.com', '/', 'other');
  await waitFor(async () => (await client.get<IngressObject>(types.ingresses, ns, 'elsewhere')).status?.loadBalancer?.ingress?.length, 10_000, 'the status of elsewhere');
  await client.patch(types.ingresses, ns, 'elsewhere', 'merge', { spec: { ingressClassName: 'nginx' } });
  await waitFor(async () => !(await client.get<IngressObject>(types.ingresses, ns, 'elsewhere')).status?.loadBalancer?.ingress, 10_000, 'the status of elsewhere taken back');
});
