// Is a node still talking? As upstream's node lifecycle controller decides it: the node is
// heard from when its Ready condition's heartbeat changes or its Lease is renewed, timed by
// this controller's own clock (never the node's timestamps, so clock skew does not matter).
// Silent for longer than the grace period, its conditions become Unknown.

import type { Lease, Node, NodeCondition } from '../../api/objects.ts';

export interface NodeHealth {
  /** Our clock (ms) when the node was last heard from. */
  probeMs: number;
  /** The Ready condition as last seen (undefined: the node never posted one). */
  ready: Pick<NodeCondition, 'lastHeartbeatTime'> | undefined;
  /** The renewTime of the node's Lease as last seen. */
  leaseRenewTime: string | undefined;
}

export interface GracePeriods {
  /** Silence allowed once the node has posted a Ready condition. */
  monitorMs: number;
  /** Silence allowed for a node that never has (upstream: 60 s). */
  startupMs: number;
}

export interface HealthObservation {
  health: NodeHealth;
  /** The Ready condition as the node last posted it (a stand-in Unknown one if it never did). */
  observedReady: NodeCondition;
  /** When the node went silent: its conditions with Ready and the pressures Unknown, to write. */
  silentConditions?: NodeCondition[];
}

/** The condition types the controller marks Unknown; NetworkUnavailable belongs to the network, not the kubelet. */
const kubeletConditionTypes = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export function observeNodeHealth(node: Node, lease: Lease | undefined, saved: NodeHealth | undefined, now: number, grace: GracePeriods): HealthObservation {
  const conditions = node.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  const created = node.metadata?.creationTimestamp ?? new Date(now).toISOString();
  const observedReady: NodeCondition = ready ?? { type: 'Ready', status: 'Unknown', lastHeartbeatTime: created, lastTransitionTime: created };
  const seen = ready ? { lastHeartbeatTime: ready.lastHeartbeatTime } : undefined;

  let health: NodeHealth;
  if (!ready) {
    // Never posted: the clock starts at its creation.
    health = saved ? { ...saved, ready: undefined } : { probeMs: Date.parse(created), ready: undefined, leaseRenewTime: undefined };
  } else if (!saved?.ready || saved.ready.lastHeartbeatTime !== ready.lastHeartbeatTime) {
    // First seen (this controller just started, or the node just posted its first status), or a fresh heartbeat.
    health = { probeMs: now, ready: seen, leaseRenewTime: saved?.leaseRenewTime };
  } else {
    health = { ...saved, ready: seen };
  }

  // A renewed lease is a heartbeat too: a node that only renews its lease stays healthy.
  const renewTime = lease?.spec?.renewTime;
  if (renewTime && (!health.leaseRenewTime || Date.parse(health.leaseRenewTime) < Date.parse(renewTime))) {
    health = { ...health, probeMs: now, leaseRenewTime: renewTime };
  }

  const gracePeriod = ready ? grace.monitorMs : grace.startupMs;
  if (now <= health.probeMs + gracePeriod) return { health, observedReady };

  const time = rfc3339(now);
  const silent = conditions.map((c) => ({ ...c }));
  for (const type of kubeletConditionTypes) {
    const condition = silent.find((c) => c.type === type);
    if (!condition) {
      silent.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: created, lastTransitionTime: time });
    } else if (condition.status !== 'Unknown') {
      Object.assign(condition, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: time });
    }
  }
  const silentReady = silent.find((c) => c.type === 'Ready')!;
  const changed = silentReady.status !== observedReady.status || silentReady.reason !== observedReady.reason || !ready;
  return changed ? { health, observedReady, silentConditions: silent } : { health, observedReady };
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
