// Which endpoint a new connection (or UDP session) of the user-space proxy goes to: one at random
// among the usable endpoints, or, with ClientIP session affinity, the one this client was sent to
// last if that was less than the affinity timeout ago and it is still usable (as kube-proxy's
// affinity: each new connection refreshes the client's entry).

import type { Endpoint } from './servicePorts.ts';

/** Where a service port's traffic may go, as the last sync said. */
export interface Backends {
  endpoints: readonly Endpoint[];
  /** ClientIP session affinity timeout; none: no affinity. */
  affinitySeconds?: number;
}

export interface EndpointChooser {
  /** The endpoint for a new connection from this client address; none when there is no endpoint. */
  choose(clientIP: string): Endpoint | undefined;
  /** Takes a sync's endpoints and affinity; clients keep their endpoint while it is among them. */
  update(backends: Backends): void;
  /** Whether new connections may still go to this endpoint. */
  usable(endpoint: Endpoint): boolean;
}

interface Affinity {
  endpoint: string;
  lastUsed: number;
}

export function createEndpointChooser(initial: Backends, now: () => number = Date.now): EndpointChooser {
  let backends = initial;
  let byKey = new Map(backends.endpoints.map((e) => [keyOf(e), e]));
  const affinities = new Map<string, Affinity>();
  let lastSweep = now();

  /** Drops the clients whose affinity ran out, at most once per timeout, so the table stays as small as the active clients. */
  const sweep = (at: number, ttlMs: number) => {
    if (at - lastSweep < ttlMs) return;
    lastSweep = at;
    for (const [client, affinity] of affinities) if (at - affinity.lastUsed >= ttlMs) affinities.delete(client);
  };

  return {
    choose(clientIP) {
      const endpoints = backends.endpoints;
      if (endpoints.length === 0) return undefined;
      if (!backends.affinitySeconds) return pickRandom(endpoints);
      const at = now();
      const ttlMs = backends.affinitySeconds * 1000;
      sweep(at, ttlMs);
      const affinity = affinities.get(clientIP);
      const kept = affinity && at - affinity.lastUsed < ttlMs ? byKey.get(affinity.endpoint) : undefined;
      const endpoint = kept ?? pickRandom(endpoints);
      affinities.set(clientIP, { endpoint: keyOf(endpoint), lastUsed: at });
      return endpoint;
    },
    update(next) {
      backends = next;
      byKey = new Map(next.endpoints.map((e) => [keyOf(e), e]));
      if (!next.affinitySeconds) affinities.clear();
    },
    usable: (endpoint) => byKey.has(keyOf(endpoint)),
  };
}

function pickRandom(endpoints: readonly Endpoint[]): Endpoint {
  return endpoints[Math.floor(Math.random() * endpoints.length)]!;
}

function keyOf(endpoint: Endpoint): string {
  return `${endpoint.ip}:${endpoint.port}`;
}
