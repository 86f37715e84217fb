// Leader election on a coordination.k8s.io Lease, as client-go's: acquire when the lease is
// free or expired, renew every retry period, give up leadership if renewal fails for the
// renew deadline. Defaults as upstream: lease 15 s, renew deadline 10 s, retry 2 s.

import type { Client } from './client.ts';

export interface LeaderElectionOptions {
  /** The Lease: kube-system/<name> (e.g. "kube-controller-manager", "kube-scheduler"). */
  name: string;
  namespace?: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Called when this process becomes leader; the signal aborts when leadership is lost or on stop. */
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  onStoppedLeading?: () => void;
}

export interface LeaderElector {
  isLeader(): boolean;
  /** Stops trying; releases the lease if held. */
  stop(): Promise<void>;
}

export declare function startLeaderElection(client: Client, options: LeaderElectionOptions): LeaderElector;
