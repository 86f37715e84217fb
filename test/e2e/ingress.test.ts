// The built-in Ingress controller in a real `skiff server` with its own node: real pods behind
// a Service, an Ingress applied with kubectl, requests through the ingress's HTTP and HTTPS
// ports (picked free, read from the server's log) reaching every replica, the Ingress showing
// its address, and the routes following a scale-down.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { SkiffServer, waitFor } from './harness.ts';
import { waitForReadyPods } from './realPods.ts';
import { getJson } from './agents.ts';

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
  const ports = await waitFor(() => /skiff: ingress serving http on :(\d+), https on :(\d+)/.exec(server.output), 20_000, 'the ingress to listen');
  httpPort = Number(ports[1]);
  httpsPort = Number(ports[2]);
});

after(async () => {
  await server?.stop();
});

/** GET / through the ingress with a Host header; the body, or undefined on any failure. */
function viaIngress(host: string, tls = false): Promise<{ status: number; body: string; subject?: string } | undefined> {
  return new Promise((resolve) => {
    const options = { host: '127.0.0.1', port: tls ? httpsPort : httpPort, path: '/', headers: { host }, servername: host, rejectUnauthorized: false, agent: false };
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
