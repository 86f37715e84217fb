// For integration tests of controllers: a real `skiff server`, an HTTP client to it, and
// controllers run in the test process with their own informers (startable and stoppable, as a
// controller manager losing and regaining leadership would).

import { SkiffServer, waitFor, withoutControlLoops } from '../../../test/e2e/harness.ts';
import type { Client } from '../../client/client.ts';
import { createEventRecorder } from '../../client/events.ts';
import { createHttpClient, loadKubeconfig } from '../../client/httpClient.ts';
import { createInformerFactory } from '../../client/informer.ts';
import { defaultControllerOptions, type Controller } from '../controller.ts';

export interface Testbed {
  server: SkiffServer;
  client: Client;
  /** Starts the controllers with fresh informers; resolves to a function stopping them. */
  run(controllers: Controller[]): Promise<() => void>;
  stop(): Promise<void>;
}

export async function startTestbed(): Promise<Testbed> {
  const server = await SkiffServer.start(undefined, 0, withoutControlLoops);
  const client = createHttpClient(loadKubeconfig(server.kubeconfig));
  const running = new Set<() => void>();
  return {
    server,
    client,
    async run(controllers) {
      const informers = createInformerFactory(client);
      const abort = new AbortController();
      informers.start();
      const ctx = { client, informers, recorder: (c: string) => createEventRecorder(client, c), options: defaultControllerOptions, signal: abort.signal };
      for (const controller of controllers) await controller.start(ctx);
      const stop = () => {
        abort.abort();
        informers.stop();
        running.delete(stop);
      };
      running.add(stop);
      return stop;
    },
    async stop() {
      for (const stop of running) stop();
      await server.stop();
    },
  };
}

/** Resolves once get() throws a 404 (the object is gone). */
export function waitForGone(get: () => Promise<unknown>, what: string, timeoutMs = 15_000): Promise<unknown> {
  return waitFor(async () => {
    try {
      await get();
      return false;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return true;
      throw err;
    }
  }, timeoutMs, what);
}

export { waitFor };
