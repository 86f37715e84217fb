// What a controller is: a name and a start function that wires informers to a work queue
// and a reconcile function. The controller manager starts every controller with the same
// context once it leads, and aborts the signal when it stops leading or shuts down.

import type { Client } from '../client/client.ts';
import type { InformerFactory } from '../client/informer.ts';
import type { EventRecorder } from '../client/events.ts';
import type { WorkQueue } from '../client/workqueue.ts';

export interface ControllerOptions {
  /** A node silent longer than this is Unknown/unreachable (upstream: 50 s, --node-monitor-grace-period). */
  nodeMonitorGracePeriodMs: number;
  /** How often node health is checked (upstream: 5 s). */
  nodeMonitorPeriodMs: number;
  /** Nodes tainted per second in a healthy zone (upstream --node-eviction-rate 0.1). */
  nodeEvictionRate?: number;
  /** Silence allowed for a node that never posted Ready (upstream --node-startup-grace-period 60 s). */
  nodeStartupGracePeriodMs?: number;
  /** The range nodes' podCIDRs are allocated from (--cluster-cidr; default 10.42.0.0/16). */
  clusterCIDR?: string;
  /** The prefix length of each node's podCIDR (--node-cidr-mask-size; default 24). */
  nodeCIDRMaskSize?: number;
}

export const defaultControllerOptions: ControllerOptions = {
  nodeMonitorGracePeriodMs: 50_000,
  nodeMonitorPeriodMs: 5_000,
};

export interface ControllerContext {
  client: Client;
  /** Shared informers: one watch per kind for every controller in the process. */
  informers: InformerFactory;
  /** An event recorder reporting as `component` (e.g. "replicaset-controller"). */
  recorder(component: string): EventRecorder;
  options: ControllerOptions;
  /** Aborted when the controller must stop (leadership lost, shutdown). */
  signal: AbortSignal;
}

export interface Controller {
  name: string;
  /** Sets up informers and handlers and starts the workers; returns once started (not when done). */
  start(ctx: ControllerContext): void | Promise<void>;
}

/** Runs a controller's workers once the informers have synced, until ctx.signal aborts. */
export function runWorkers(ctx: ControllerContext, name: string, queue: WorkQueue, workers: number, reconcile: (key: string) => Promise<void | { requeueAfterMs: number }>): void {
  ctx.signal.addEventListener('abort', () => queue.shutDown(), { once: true });
  void (async () => {
    await ctx.informers.waitForSync(ctx.signal);
    await queue.run(workers, reconcile);
  })().catch((err) => {
    if (!ctx.signal.aborted) console.error(`${name} stopped:`, err);
  });
}
