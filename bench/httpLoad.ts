// A closed-loop HTTP load generator for benchmarks. It runs in a worker thread of its own, so it
// never shares an event loop with what it measures: `concurrency` clients each GET in a loop,
// client i always to target i mod the number of targets (as a connection through a ClusterIP
// stays with one endpoint), over a kept-alive connection or on a new connection per request;
// a warm-up, then a fixed window in which every completed request counts.

import { Agent, request } from 'node:http';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

export interface HttpTarget {
  host: string;
  port: number;
}

export interface HttpLoad {
  targets: HttpTarget[];
  /** The Host header (what an Ingress routes on); the target's address when absent. */
  hostHeader?: string;
  concurrency: number;
  /** 'keep-alive': each client reuses its connection; 'new': a new connection (and TCP handshake) per request. */
  connection: 'keep-alive' | 'new';
  warmupMs: number;
  measureMs: number;
}

export interface HttpLoadResult {
  /** Requests answered 200 within the measured window. */
  requests: number;
  /** Requests that failed (no connection, timeout, another status) within it. */
  errors: number;
  seconds: number;
  /** Of the answered requests. */
  latenciesMs: number[];
}

export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

const requestTimeoutMs = 5_000;
const role = 'httpLoad';

/** Runs the load in a new worker thread; resolves with what it measured. */
export function runHttpLoad(load: HttpLoad): Promise<HttpLoadResult> {
  const worker = new Worker(import.meta.filename, { workerData: { role, load } });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the load worker exited (${code}) without a result`)));
  });
}

/** The figures of one or more runs of the same load, pooled. */
export function figuresOf(results: HttpLoadResult[]): LoadFigures {
  const sum = (f: (r: HttpLoadResult) => number) => results.reduce((total, r) => total + f(r), 0);
  const sorted = results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { requestsPerSecond: sum((r) => r.requests) / sum((r) => r.seconds), p50Ms: p(0.5), p99Ms: p(0.99), errors: sum((r) => r.errors) };
}

async function generate(load: HttpLoad): Promise<HttpLoadResult> {
  const agent = load.connection === 'keep-alive' ? new Agent({ keepAlive: true, maxSockets: load.concurrency }) : undefined;
  const get = (target: HttpTarget) =>
    new Promise<boolean>((resolve) => {
      // agent false: a connection of its own, closed after the response (Connection: close).
      const req = request({ ...target, path: '/', headers: load.hostHeader ? { host: load.hostHeader } : {}, agent: agent ?? false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
        res.on('error', () => resolve(false));
      });
      req.setTimeout(requestTimeoutMs, () => req.destroy());
      req.on('error', () => resolve(false));
      req.end();
    });
  const result: HttpLoadResult = { requests: 0, errors: 0, seconds: load.measureMs / 1000, latenciesMs: [] };
  const measureFrom = performance.now() + load.warmupMs;
  const end = measureFrom + load.measureMs;
  await Promise.all(
    Array.from({ length: load.concurrency }, async (_, client) => {
      const target = load.targets[client % load.targets.length]!;
      for (let started = performance.now(); started < end; started = performance.now()) {
        const ok = await get(target);
        const done = performance.now();
        if (done < measureFrom || done >= end) continue;
        if (!ok) {
          result.errors++;
          continue;
        }
        result.requests++;
        result.latenciesMs.push(done - started);
      }
    }),
  );
  agent?.destroy();
  return result;
}

if (!isMainThread && workerData?.role === role) parentPort!.postMessage(await generate(workerData.load as HttpLoad));
