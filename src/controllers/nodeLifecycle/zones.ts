// Disruption handling, as upstream: nodes are grouped by zone, and how fast unhealthy nodes
// get their NoExecute taint (which evicts their pods) depends on how much of the zone is
// down. A mostly-down small zone stops evicting (it is more likely the network than the
// nodes), and when every zone is fully down the controller evicts nothing at all.

import type { Node, NodeCondition } from '../../api/objects.ts';

export type ZoneState = 'Initial' | 'Normal' | 'PartialDisruption' | 'FullDisruption';

export interface DisruptionSettings {
  /** Nodes tainted per second in a healthy zone (upstream --node-eviction-rate 0.1). */
  nodeEvictionRate: number;
  /** In a partially disrupted large zone (--secondary-node-eviction-rate 0.01). */
  secondaryNodeEvictionRate: number;
  /** Zones up to this size stop evicting when partially disrupted (--large-cluster-size-threshold 50). */
  largeClusterSizeThreshold: number;
  /** The share of unready nodes that makes a zone partially disrupted (--unhealthy-zone-threshold 0.55). */
  unhealthyZoneThreshold: number;
}

/** The zone a node is in: region and zone labels (the stable ones, else the beta ones). */
export function zoneOf(node: Node): string {
  const labels = node.metadata?.labels ?? {};
  const region = labels['topology.kubernetes.io/region'] ?? labels['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region || zone ? `${region}:\x00:${zone}` : '';
}

/** Nodes with this label do not count toward their zone's health. */
export const excludeDisruptionLabel = 'node.kubernetes.io/exclude-disruption';

export function zoneState(readyConditions: (NodeCondition | undefined)[], settings: DisruptionSettings): ZoneState {
  const ready = readyConditions.filter((c) => c?.status === 'True').length;
  const notReady = readyConditions.length - ready;
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / readyConditions.length >= settings.unhealthyZoneThreshold) return 'PartialDisruption';
  return 'Normal';
}

/** How many nodes per second a zone in this state may taint. */
export function evictionRate(state: ZoneState, zoneSize: number, settings: DisruptionSettings): number {
  if (state === 'PartialDisruption') return zoneSize > settings.largeClusterSizeThreshold ? settings.secondaryNodeEvictionRate : 0;
  return settings.nodeEvictionRate;
}

/** A token bucket of burst 1 (upstream's eviction limiter): rate 0 never admits. */
export class TokenBucket {
  #rate: number;
  #tokens = 1;
  #lastMs: number;

  constructor(rate: number, now: number) {
    this.#rate = rate;
    this.#lastMs = now;
  }

  get rate(): number {
    return this.#rate;
  }

  tryAccept(now: number): boolean {
    this.#refill(now);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** ms until a token is there (Infinity at rate 0). */
  waitMs(now: number): number {
    this.#refill(now);
    if (this.#tokens >= 1) return 0;
    return this.#rate > 0 ? ((1 - this.#tokens) / this.#rate) * 1000 : Infinity;
  }

  /** A new rate; as upstream, a bucket that was empty starts the new rate empty. */
  setRate(rate: number, now: number): void {
    if (rate === this.#rate) return;
    this.#refill(now);
    const wasEmpty = this.#tokens < 1;
    this.#rate = rate;
    this.#tokens = wasEmpty ? 0 : 1;
    this.#lastMs = now;
  }

  #refill(now: number): void {
    this.#tokens = Math.min(1, this.#tokens + (Math.max(0, now - this.#lastMs) / 1000) * this.#rate);
    this.#lastMs = now;
  }
}
