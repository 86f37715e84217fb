// A Client for components in the apiserver's own process.

import type { Client } from '../client/client.ts';
import { createRestClient } from '../client/restClient.ts';
import { loopbackTransport } from './loopback.ts';
import type { ApiServer } from './server.ts';

/** component names the caller in managedFields and logs (e.g. "kube-controller-manager"). */
export function createInProcessClient(server: ApiServer, component: string): Client {
  return createRestClient(loopbackTransport(server, { name: `system:${component}`, groups: ['system:masters', 'system:authenticated'] }, component));
}
