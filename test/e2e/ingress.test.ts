// The built-in Ingress controller in a real `skiff server` with its own node: real pods behind
// a Service, an Ingress applied with kubectl, requests through the ingress's HTTP and HTTPS
// ports (picked free, read from the server's log) reaching every replica; two Services behind
// one Ingress by host and path, over TLS with a certificate from a Secret (issue 5 acceptance
// 3); the Ingress showing its address; and the routes following a scale-down.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { SkiffServer, waitFor } from './harness.ts';
import { waitForReadyPods } from './realPods.ts';
import { getJson } from './agents.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createSelfSignedCertificate } from '../../src/network/ingress/selfSignedCertificate.ts';

const examples = join(import.meta.dirname, '../../examples/level-1');
let server: SkiffServer;
let httpPort: number;
let httpsPort: number;

const ingressManifest = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: hello
spec:
  rules:
    - host: hello.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: hello
                port:
                  name: http
`;

before(async () => {
  server = await SkiffServer.startWithAgent(['--ingress-http-port', '0', '--ingress-https-port', '0']);
  ({ http: httpPort, https: httpsPort } = await server.ingressPorts());
});

after(async () => {
  await server?.stop();
});

/** GET a path through the ingress with a Host header; the answer, or undefined on any failure. */
function viaIngress(host: string, tls = false, path = '/'): Promise<{ status: number; body: string; subject?: string } | undefined> {
  return new Promise((resolve) => {
    const options = { host: '127.0.0.1', port: tls ? httpsPort : httpPort, path, headers: { host }, servername: host, rejectUnauthorized: false, agent: false };
    const req = (tls ? httpsRequest : request)(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, subject: tls ? String((res.socket as TLSSocket).getPeerCertificate().subject?.CN) : undefined }));
    });
    req.setTimeout(3_000, () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

test('the skiff IngressClass is the cluster default', async () => {
  const classes = await server.ok(['get', 'ingressclass']);
  assert.match(classes, /skiff\s+skiff\.dev\/ingress\s/);
});

test('an Ingress routes to every ready replica of its Service, over HTTP and HTTPS', async () => {
  await server.ok(['apply', '-f', examples]);
  await server.ok(['apply', '-f', '-'], { input: ingressManifest });
  const pods = await waitForReadyPods(server, 'app=hello', 3);
  const names = new Set(pods.map((p) => p.metadata!.name!));
  const answered = new Set<string>();
  await waitFor(async () => {
    const answer = await viaIngress('hello.example.com');
    const pod = /^hello from (\S+)\n$/.exec(answer?.body ?? '')?.[1];
    if (pod) answered.add(pod);
    return answered.size === names.size;
  }, 30_000, 'every replica to answer through the ingress');
  assert.deepEqual([...answered].sort(), [...names].sort());

  const secure = await viaIngress('hello.example.com', true);
  assert.equal(secure?.status, 200);
  assert.match(secure!.body, /^hello from hello-/);
  assert.equal(secure!.subject, 'skiff ingress default certificate');
  assert.equal((await viaIngress('nowhere.example.com'))?.status, 404);
});

// A second Service, whose server answers with the path it was asked for.
const apiManifest = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
spec:
  replicas: 1
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: api
          image: python:3.12-slim
          command: ["python3", "-u", "-c"]
          args:
            - |
              import http.server, socketserver
              class Api(http.server.BaseHTTPRequestHandler):
                  def do_GET(self):
                      body = f"api {self.path}\\n".encode()
                      self.send_response(200)
                      self.send_header("Content-Length", str(len(body)))
                      self.end_headers()
                      self.wfile.write(body)
              socketserver.ThreadingTCPServer(("", 8080), Api).serve_forever()
          readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: api }
spec:
  selector: { app: api }
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop }
spec:
  tls: [{ hosts: [shop.example.com], secretName: shop-tls }]
  rules:
    - host: shop.example.com
      http:
        paths:
          - { path: /api, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }
          - { path: /, pathType: Prefix, backend: { service: { name: hello, port: { name: http } } } }
    - host: api.example.com
      http:
        paths:
          - { path: /, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }
`;

test('two Services behind one Ingress by host and path, over TLS with the certificate from a Secret', async () => {
  const { cert, key } = await createSelfSignedCertificate('shop.example.com', ['shop.example.com']);
  const dir = await mkdtemp(join(tmpdir(), 'skiff-e2e-tls-'));
  try {
    await writeFile(join(dir, 'tls.crt'), cert);
    await writeFile(join(dir, 'tls.key'), key);
    await server.ok(['create', 'secret', 'tls', 'shop-tls', `--cert=${join(dir, 'tls.crt')}`, `--key=${join(dir, 'tls.key')}`]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await server.ok(['apply', '-f', '-'], { input: apiManifest });
  await waitForReadyPods(server, 'app=api', 1);

  const api = await waitFor(async () => {
    const answer = await viaIngress('shop.example.com', true, '/api/items?page=2');
    return answer?.status === 200 ? answer : undefined;
  }, 30_000, 'shop.example.com/api to reach the api Service over TLS');
  assert.equal(api.body, 'api /api/items?page=2\n', 'the path goes to the backend as asked');
  assert.equal(api.subject, 'shop.example.com', "the Secret's certificate, chosen by SNI");
  const shop = await viaIngress('shop.example.com', true, '/cart');
  assert.match(shop?.body ?? '', /^hello from hello-/, 'other paths of the host reach the hello Service');
  assert.equal(shop?.subject, 'shop.example.com');
  assert.equal((await viaIngress('api.example.com', false, '/v1/status'))?.body, 'api /v1/status\n', 'another host, the same Service');
  // A host without a certificate of its own gets the default one.
  assert.equal((await viaIngress('hello.example.com', true))?.subject, 'skiff ingress default certificate');
});

test('the Ingress shows the address and ports it is served on', async () => {
  const ingress = await waitFor(async () => {
    const ing = await getJson<any>(server, ['ingress', 'hello']);
    return ing.status?.loadBalancer?.ingress?.[0]?.ip && ing;
  }, 15_000, 'the Ingress status');
  const [entry] = ingress.status.loadBalancer.ingress;
  assert.match(entry.ip, /^\d+\.\d+\.\d+\.\d+$/);
  assert.deepEqual(entry.ports, [{ port: httpPort, protocol: 'TCP' }, { port: httpsPort, protocol: 'TCP' }]);
  assert.match(await server.ok(['get', 'ingress', 'hello']), new RegExp(`hello\\s+skiff\\s+hello\\.example\\.com\\s+${entry.ip.replaceAll('.', '\\.')}\\s+80\\s`));
});

test('scaled to one replica, only that one answers; scaled to zero, a 503', async () => {
  await server.ok(['scale', 'deployment/hello', '--replicas=1']);
  const [pod] = await waitForReadyPods(server, 'app=hello', 1);
  const only = `hello from ${pod!.metadata!.name}\n`;
  await waitFor(async () => {
    for (let i = 0; i < 5; i++) if ((await viaIngress('hello.example.com'))?.body !== only) return false;
    return true;
  }, 30_000, 'only the remaining replica to answer');
  await server.ok(['scale', 'deployment/hello', '--replicas=0']);
  await waitFor(async () => (await viaIngress('hello.example.com'))?.status === 503, 30_000, 'a 503 without replicas');
});
