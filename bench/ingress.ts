// The Ingress benchmark: requests/s and latency of GETs from 64 keep-alive clients, straight to
// two backend HTTP servers and through skiff's ingress to the same two, in the same run. The
// backends and the load run in worker threads of their own; the ingress runs in this thread
// (routing from a real `skiff server`'s Ingress, Service and EndpointSlices).

import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { SkiffServer, waitFor, withoutControlLoops } from '../test/e2e/harness.ts';
import { createHttpClient, loadKubeconfig } from '../src/client/httpClient.ts';
import { types } from '../src/client/resourceTypes.ts';
import { startIngressController } from '../src/network/ingress/ingressController.ts';

const concurrency = 64;
const warmupMs = 1_000;
const measureMs = 5_000;
const host = 'bench.example.com';

interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
}

export async function benchIngress(): Promise<void> {
  const backends = new Worker(import.meta.filename, { workerData: { role: 'backends' } });
  const listening = new Promise<number[]>((resolve, reject) => {
    backends.once('message', resolve);
    backends.once('error', reject);
  });
  const server = await SkiffServer.start(undefined, 0, withoutControlLoops);
  const controller = new AbortController();
  try {
    const backendPorts = await listening;
    const client = createHttpClient(loadKubeconfig(server.kubeconfig));
    const ingress = await startIngressController({ client, httpPort: 0, httpsPort: 0, host: '127.0.0.1', signal: controller.signal });
    await client.create(types.services, { metadata: { name: 'bench', namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80 }] } });
    for (const [i, port] of backendPorts.entries()) {
      await client.create(types.endpointSlices, {
        metadata: { name: `bench-${i}`, namespace: 'default', labels: { 'kubernetes.io/service-name': 'bench' } },
        addressType: 'IPv4',
        ports: [{ name: 'http', port, protocol: 'TCP' }],
        endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
      });
    }
    await client.create(types.ingresses, {
      metadata: { name: 'bench', namespace: 'default' },
      spec: { rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'bench', port: { number: 80 } } } }] } }] },
    });
    await waitFor(() => status(ingress.httpPort).then((code) => code === 200), 10_000, 'the ingress route');

    // Direct: the load spreads over the two backends as the ingress spreads it.
    report('direct to the backends', await runLoad(backendPorts));
    report('through the ingress', await runLoad([ingress.httpPort]));
  } finally {
    controller.abort();
    await backends.terminate();
    await server.stop();
  }
}

function runLoad(ports: number[]): Promise<LoadResult> {
  const load = new Worker(import.meta.filename, { workerData: { role: 'load', ports } });
  return new Promise((resolve, reject) => {
    load.once('message', resolve);
    load.once('error', reject);
  });
}

function report(label: string, result: LoadResult): void {
  const sorted = result.latenciesMs.sort((a, b) => a - b);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
  const errors = result.errors ? `  ${result.errors} errors` : '';
  console.log(`${label.padEnd(40)} ${Math.round(result.requests / result.seconds)} req/s   p50 ${p(0.5)} ms  p99 ${p(0.99)} ms  (${concurrency} keep-alive clients)${errors}`);
}

function status(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host }, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** Worker: two HTTP servers answering a small body; posts their ports. */
async function serveBackends(): Promise<void> {
  const body = Buffer.from('hello from the backend\n');
  const ports: number[] = [];
  for (let i = 0; i < 2; i++) {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
      res.end(body);
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ports.push((server.address() as AddressInfo).port);
  }
  parentPort!.postMessage(ports);
}

/** Worker: `concurrency` clients, each GETting in a loop over its own kept-alive connection; warms up, then measures. */
async function generateLoad(ports: number[]): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const get = (port: number) =>
    new Promise<boolean>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/', headers: { host }, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      });
      req.on('error', () => resolve(false));
      req.end();
    });
  const result: LoadResult = { requests: 0, errors: 0, seconds: measureMs / 1000, latenciesMs: [] };
  const started = performance.now();
  const measureFrom = started + warmupMs;
  const end = measureFrom + measureMs;
  let turn = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let now = performance.now(); now < end; now = performance.now()) {
      const ok = await get(ports[turn++ % ports.length]!);
      if (now < measureFrom) continue;
      result.requests++;
      if (!ok) result.errors++;
      result.latenciesMs.push(performance.now() - now);
    }
  }));
  agent.destroy();
  parentPort!.postMessage(result);
}

if (!isMainThread && workerData?.role === 'backends') await serveBackends();
if (!isMainThread && workerData?.role === 'load') await generateLoad(workerData.ports);
