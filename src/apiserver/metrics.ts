// Prometheus metrics of the apiserver, named as kube-apiserver names them.

import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ApiMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'apiserver_request_total',
    help: 'Counter of apiserver requests broken out for each verb, group, resource and HTTP response code.',
    labelNames: ['verb', 'group', 'resource', 'subresource', 'code'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency distribution in seconds for each verb, group and resource.',
    labelNames: ['verb', 'group', 'resource', 'subresource'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  observe(labels: { verb: string; group: string; resource: string; subresource: string }, code: number, seconds: number): void {
    this.requests.inc({ ...labels, code: String(code) });
    // Watches last as long as the client wants; their duration says nothing about latency.
    if (labels.verb !== 'WATCH') this.latency.observe(labels, seconds);
  }
}
