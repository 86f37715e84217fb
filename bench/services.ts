// Services end to end (issue 5), as root: a real `skiff server` with its own node runs a
// Deployment of three small HTTP servers (pods of the process runtime: the host's node binary
// in each pod's network namespace), a ClusterIP Service and an Ingress in front of them. The
// same load (from a worker thread: bench/httpLoad.ts) goes straight to the pod IPs (the clients
// spread evenly over the three, as the Service spreads its connections), through the ClusterIP
// (the node's nftables DNAT) and through the Ingress (the server's reverse proxy); requests/s
// and p99 of the latter two are printed as ratios to the pod IPs'. Twice: over kept-alive connections, and on a new connection
// per request (DNAT picks an endpoint per connection, so that is where the ClusterIP costs).

import { request } from 'node:http';
import type { Deployment, EndpointSlice, Service } from '../src/api/objects.ts';
import { createHttpClient, loadKubeconfig } from '../src/client/httpClient.ts';
import { types } from '../src/client/resourceTypes.ts';
import type { Client } from '../src/client/client.ts';
import { SkiffServer, waitFor } from '../test/e2e/harness.ts';
import { figuresOf, runHttpLoad, type HttpLoadResult, type HttpTarget, type LoadFigures } from './httpLoad.ts';

const isRoot = process.getuid?.() === 0 && process.platform === 'linux';
const replicas = 3;
const concurrency = 32;
/** Rounds over the paths in turn, so a spell of load from elsewhere on the machine hits all of them alike. */
const rounds = 3;
const warmupMs = 500;
const measureMs = 2_000;
const ingressHost = 'bench.example.com';
const name = 'bench';

/** Each pod's server: a fixed small body naming the pod (so the bench sees every replica answer). */
const serverScript = `
const body = Buffer.from('hello from ' + process.env.POD_NAME + '\\n');
const server = require('node:http').createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(8080, '0.0.0.0');
`;

export async function benchServices(): Promise<void> {
  if (!isRoot) {
    console.log('services: skipped (needs root: pods on a bridge, ClusterIPs in nftables)');
    return;
  }
  const server = await SkiffServer.startWithAgent();
  try {
    const ingressPort = (await server.ingressPorts()).http;
    const client = createHttpClient(loadKubeconfig(server.kubeconfig));
    await createWorkload(client);
    const podIPs = await waitFor(() => readyEndpoints(client), 60_000, `${replicas} ready endpoints`);
    const clusterIP = (await client.get<Service>(types.services, 'default', name)).spec!.clusterIP!;
    const paths: { label: string; targets: HttpTarget[] }[] = [
      { label: `pod IPs (${replicas}, direct)`, targets: podIPs.map((host) => ({ host, port: 8080 })) },
      { label: `ClusterIP ${clusterIP}`, targets: [{ host: clusterIP, port: 80 }] },
      { label: 'Ingress', targets: [{ host: '127.0.0.1', port: ingressPort }] },
    ];
    // Measure only once every path reaches every replica (the proxy's rules and the ingress's routes are in).
    for (const path of paths) await waitFor(async () => (await answerers(path.targets)).size === replicas, 30_000, `every replica answering via ${path.label}`);

    console.log(`${replicas} pods (node HTTP servers) on one node; ${concurrency} clients from a worker thread; per path ${rounds} rounds of ${warmupMs / 1000} s warm-up + ${measureMs / 1000} s, the paths interleaved`);
    for (const connection of ['keep-alive', 'new'] as const) {
      console.log(connection === 'keep-alive' ? 'kept-alive connections:' : 'a new connection per request:');
      const results = paths.map((): HttpLoadResult[] => []);
      for (let round = 0; round < rounds; round++) {
        for (const [i, path] of paths.entries()) results[i]!.push(await runHttpLoad({ targets: path.targets, hostHeader: ingressHost, concurrency, connection, warmupMs, measureMs }));
      }
      const figures = results.map(figuresOf);
      for (const [i, path] of paths.entries()) console.log(`  ${path.label.padEnd(26)} ${describe(figures[i]!, i > 0 ? figures[0] : undefined)}`);
    }
  } finally {
    await server.stop();
  }
}

async function createWorkload(client: Client): Promise<void> {
  const labels = { app: name };
  await client.create<Deployment>(types.deployments, {
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [
            {
              name: 'web',
              image: 'node',
              // The process runtime runs host commands: this very node binary.
              command: [process.execPath, '-e', serverScript],
              env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  });
  await client.create<Service>(types.services, {
    metadata: { name, namespace: 'default' },
    spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  });
  await client.create(types.ingresses, {
    metadata: { name, namespace: 'default' },
    spec: { rules: [{ host: ingressHost, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } }] } }] },
  });
}

/** The pod IPs of the Service's ready endpoints, once there are as many as replicas. */
async function readyEndpoints(client: Client): Promise<string[] | undefined> {
  const slices = await client.list<EndpointSlice>(types.endpointSlices, { namespace: 'default', labelSelector: `kubernetes.io/service-name=${name}` });
  const ips = slices.items.flatMap((s) => s.endpoints.filter((e) => e.conditions?.ready).flatMap((e) => e.addresses));
  return ips.length === replicas ? ips : undefined;
}

/** The pods that answer 30 requests round-robin over the targets, each on a new connection. */
async function answerers(targets: HttpTarget[]): Promise<Set<string>> {
  const names = new Set<string>();
  for (let i = 0; i < 30; i++) {
    const body = await new Promise<string | undefined>((resolve) => {
      const req = request({ ...targets[i % targets.length]!, path: '/', headers: { host: ingressHost }, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(res.statusCode === 200 ? text : undefined));
      });
      req.setTimeout(3_000, () => req.destroy());
      req.on('error', () => resolve(undefined));
      req.end();
    });
    if (body) names.add(body.trim());
  }
  return names;
}

/** `7,012 req/s (0.98x pod IPs)  p50 4.10 ms  p99 9.10 ms (1.03x)`; the ratios against the baseline, if given. */
function describe(figures: LoadFigures, baseline?: LoadFigures): string {
  const times = (value: number, base: number) => `${(value / base).toFixed(2)}x`;
  const rate = `${Math.round(figures.requestsPerSecond).toLocaleString('en-US')} req/s${baseline ? ` (${times(figures.requestsPerSecond, baseline.requestsPerSecond)} pod IPs)` : ''}`;
  const p99 = `p99 ${figures.p99Ms.toFixed(2)} ms${baseline ? ` (${times(figures.p99Ms, baseline.p99Ms)})` : ''}`;
  const errors = figures.errors ? `  ${figures.errors} errors` : '';
  return `${rate.padEnd(30)} p50 ${figures.p50Ms.toFixed(2)} ms  ${p99}${errors}`;
}
