// The API benchmark: single-object create/get/update latency and throughput from 32
// concurrent clients, listing 10,000 pods, and watch fan-out to 100 watchers.

import { Agent, request } from 'node:https';
import { readFile } from 'node:fs/promises';
import { SkiffServer, withoutControlLoops } from '../test/e2e/harness.ts';

interface Client {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }>;
  stream(path: string, onLine: (line: string) => void): () => void;
}

async function connect(server: SkiffServer): Promise<Client> {
  const config = await readFile(server.kubeconfig, 'utf8');
  const token = /token: (\S+)/.exec(config)![1];
  const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(config)![1], 'base64').toString();
  const agent = new Agent({ keepAlive: true, maxSockets: 256, ca });
  const base = { host: '127.0.0.1', port: server.port, agent, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } };
  return {
    call: (method, path, body) =>
      new Promise((resolve, reject) => {
        const headers = method === 'PATCH' ? { ...base.headers, 'Content-Type': 'application/merge-patch+json' } : base.headers;
        const req = request({ ...base, headers, method, path }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }));
        });
        req.on('error', reject);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      }),
    stream: (path, onLine) => {
      const req = request({ ...base, method: 'GET', path, agent: false, ca } as any, (res) => {
        let buffered = '';
        res.on('data', (c) => {
          buffered += c;
          let nl;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            onLine(buffered.slice(0, nl));
            buffered = buffered.slice(nl + 1);
          }
        });
      });
      req.on('error', () => undefined);
      req.end();
      return () => req.destroy();
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(label: string, total: number, concurrency: number, op: (i: number) => Promise<void>): Promise<void> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await op(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(`${label.padEnd(34)} ${String(Math.round(total / seconds)).padStart(6)} ops/s   p50 ${percentile(latencies, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(latencies, 99).toFixed(1).padStart(6)} ms`);
}

/** Starts op at a fixed rate (open loop), as DESIGN's target is stated: p99 at 200 writes/s. */
async function measurePaced(label: string, perSecond: number, seconds: number, op: (i: number) => Promise<void>): Promise<void> {
  const latencies: number[] = [];
  const total = perSecond * seconds;
  const started = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    running.push((async () => {
      const t = performance.now();
      await op(i);
      latencies.push(performance.now() - t);
    })());
  }
  await Promise.all(running);
  latencies.sort((a, b) => a - b);
  console.log(`${label.padEnd(34)} ${String(perSecond).padStart(6)} ops/s   p50 ${percentile(latencies, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(latencies, 99).toFixed(1).padStart(6)} ms`);
}

function expect(status: number, want: number, text: string): void {
  if (status !== want) throw new Error(`unexpected ${status}: ${text.slice(0, 300)}`);
}

export async function benchApi(): Promise<void> {
  // The API alone: no scheduler chasing the 10,000 unschedulable pods.
  const server = await SkiffServer.start(undefined, 0, withoutControlLoops);
  try {
    const api = await connect(server);
    const cms = '/api/v1/namespaces/default/configmaps';
    const n = 4000;
    console.log('API (32 concurrent clients, ConfigMaps):');
    await measure('create', n, 32, async (i) => {
      const res = await api.call('POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { i: String(i) } });
      expect(res.status, 201, res.text);
    });
    await measure('get', n, 32, async (i) => {
      const res = await api.call('GET', `${cms}/cm-${i}`);
      expect(res.status, 200, res.text);
    });
    await measure('update (merge patch)', n, 32, async (i) => {
      const res = await api.call('PATCH', `${cms}/cm-${i}`, { data: { i: `${i}-updated` } });
      expect(res.status, 200, res.text);
    });

    await measurePaced('update at 200/s (open loop, 10 s)', 200, 10, async (i) => {
      const res = await api.call('PATCH', `${cms}/cm-${i % n}`, { data: { paced: String(i) } });
      expect(res.status, 200, res.text);
    });

    console.log('List of 10,000 pods:');
    const pods = '/api/v1/namespaces/default/pods';
    await measure('create pods', 10_000, 64, async (i) => {
      const res = await api.call('POST', pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, labels: { app: `app-${i % 10}` } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
      expect(res.status, 201, res.text);
    });
    for (const [label, query] of [['list (consistent, from cache)', ''], ['list resourceVersion=0', '?resourceVersion=0'], ['list limit=500 (paged, store)', '?limit=500']] as const) {
      await measure(label, 10, 1, async () => {
        let path = pods + query;
        for (;;) {
          const res = await api.call('GET', path);
          expect(res.status, 200, res.text);
          const cont = JSON.parse(res.text).metadata.continue;
          if (!cont) break;
          path = `${pods}?limit=500&continue=${encodeURIComponent(cont)}`;
        }
      });
    }

    console.log('Watch fan-out (100 watchers):');
    const watchers = 100;
    const writes = 1000;
    let delivered = 0;
    const rv = JSON.parse((await api.call('GET', `${cms}?limit=1`)).text).metadata.resourceVersion;
    const stops = Array.from({ length: watchers }, () => api.stream(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`, () => delivered++));
    const started = performance.now();
    await measure('writes while watched', writes, 32, async (i) => {
      const res = await api.call('PATCH', `${cms}/cm-${i}`, { data: { w: String(i) } });
      expect(res.status, 200, res.text);
    });
    const deadline = Date.now() + 30_000;
    while (delivered < watchers * writes && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const seconds = (performance.now() - started) / 1000;
    console.log(`${'events delivered'.padEnd(34)} ${delivered} of ${watchers * writes} in ${seconds.toFixed(2)} s = ${Math.round(delivered / seconds)} events/s`);
    for (const stop of stops) stop();
  } finally {
    await server.stop();
  }
}
