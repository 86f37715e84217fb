// The controller manager: every controller in one process, sharing one informer factory,
// running only while this process holds the kube-controller-manager lease (so several
// servers on one datastore never run two copies of a controller).

import type { Client } from '../client/client.ts';
import { createInformerFactory } from '../client/informer.ts';
import { createEventRecorder, type EventRecorder } from '../client/events.ts';
import { startLeaderElection, type LeaderElector } from '../client/leaderElection.ts';
import type { Controller, ControllerContext, ControllerOptions } from './controller.ts';

export interface LeaderRunOptions {
  client: Client;
  /** The Lease in kube-system. */
  lease: string;
  /** Who we are in the lease: host name and a random suffix. */
  identity: string;
  /** Runs while leading; the signal aborts when leadership ends. */
  run: (ctx: Omit<ControllerContext, 'options'>) => Promise<void>;
}

/** Runs `run` with fresh informers whenever this process leads the lease. */
export function runWhileLeading({ client, lease, identity, run }: LeaderRunOptions): LeaderElector {
  return startLeaderElection(client, {
    name: lease,
    identity,
    onStartedLeading: async (signal) => {
      const informers = createInformerFactory(client);
      const recorders = new Map<string, EventRecorder>();
      const recorder = (component: string) => {
        let r = recorders.get(component);
        if (!r) recorders.set(component, (r = createEventRecorder(client, component)));
        return r;
      };
      signal.addEventListener('abort', () => informers.stop(), { once: true });
      // Started first: informers made by run() start at once, so run() may wait for their sync.
      informers.start();
      await run({ client, informers, recorder, signal });
    },
  });
}

export function startControllerManager(client: Client, identity: string, controllers: Controller[], options: ControllerOptions): LeaderElector {
  return runWhileLeading({
    client,
    lease: 'kube-controller-manager',
    identity,
    run: async (ctx) => {
      for (const controller of controllers) await controller.start({ ...ctx, options });
    },
  });
}
