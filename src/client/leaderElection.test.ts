import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffServer, waitFor, withoutControlLoops } from '../../test/e2e/harness.ts';
import type { KubeObject } from '../api/kind.ts';
import type { Client } from './client.ts';
import { createHttpClient, loadKubeconfig } from './httpClient.ts';
import { startLeaderElection, type LeaderElector } from './leaderElection.ts';
import { types } from './resourceTypes.ts';

let server: SkiffServer;
let client: Client;
before(async () => {
  server = await SkiffServer.start(undefined, 0, withoutControlLoops);
  client = createHttpClient(loadKubeconfig(server.kubeconfig));
});
after(() => server?.stop());

interface Lease extends KubeObject {
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

const timing = { leaseDurationMs: 2_000, renewDeadlineMs: 1_500, retryPeriodMs: 200 };

/** An elector that records when it starts and stops leading. */
function candidate(name: string, identity: string): { elector: LeaderElector; log: string[]; signals: AbortSignal[] } {
  const log: string[] = [];
  const signals: AbortSignal[] = [];
  const elector = startLeaderElection(client, {
    name,
    identity,
    ...timing,
    onStartedLeading: (signal) => {
      signals.push(signal);
      log.push('started');
    },
    onStoppedLeading: () => log.push('stopped'),
  });
  return { elector, log, signals };
}

const lease = (name: string) => client.get<Lease>(types.leases, 'kube-system', name);
const microTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

test('one of two candidates leads; stopping it releases the lease to the other', async () => {
  const a = candidate('handover', 'a');
  await waitFor(() => a.elector.isLeader(), 10_000, 'a to lead');
  const b = candidate('handover', 'b');
  try {
    const first = await lease('handover');
    assert.equal(first.spec.holderIdentity, 'a');
    assert.equal(first.spec.leaseDurationSeconds, 2);
    assert.match(first.spec.acquireTime!, microTime);
    // a keeps renewing while b watches; b never leads meanwhile.
    await waitFor(async () => (await lease('handover')).spec.renewTime !== first.spec.renewTime, 10_000, 'a renewal');
    assert.equal(b.elector.isLeader(), false);
    assert.deepEqual(b.log, []);

    await a.elector.stop();
    assert.deepEqual(a.log, ['started', 'stopped']);
    assert.ok(a.signals[0].aborted);
    await waitFor(() => b.elector.isLeader(), 10_000, 'b to take over');
    const taken = await lease('handover');
    assert.equal(taken.spec.holderIdentity, 'b');
    assert.equal(taken.spec.leaseTransitions, 1);
    assert.equal(taken.spec.leaseDurationSeconds, 2);
  } finally {
    await a.elector.stop();
    await b.elector.stop();
  }
  const released = await lease('handover');
  assert.equal(released.spec.holderIdentity, '');
  assert.equal(released.spec.leaseDurationSeconds, 1);
});

test('a lease its holder stopped renewing is taken once it expires by our own clock', async () => {
  const now = new Date().toISOString().replace('Z', '000Z');
  await client.create<Lease>(types.leases, {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'abandoned', namespace: 'kube-system' },
    spec: { holderIdentity: 'ghost', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: 3 },
  });
  const c = candidate('abandoned', 'c');
  try {
    await waitFor(() => c.elector.isLeader(), 10_000, 'c to take the expired lease');
    const taken = await lease('abandoned');
    assert.equal(taken.spec.holderIdentity, 'c');
    assert.equal(taken.spec.leaseTransitions, 4);
  } finally {
    await c.elector.stop();
  }
});

test('a leader that cannot renew within the deadline stops leading, and leads again once it can', async () => {
  const d = candidate('outage', 'd');
  try {
    await waitFor(() => d.elector.isLeader(), 10_000, 'd to lead');
    await server.kill('SIGKILL');
    await waitFor(() => !d.elector.isLeader(), 10_000, 'd to give up leadership');
    assert.ok(d.signals[0].aborted);
    assert.deepEqual(d.log, ['started', 'stopped']);
    await server.restart();
    await waitFor(() => d.elector.isLeader(), 20_000, 'd to lead again');
    assert.deepEqual(d.log, ['started', 'stopped', 'started']);
  } finally {
    await d.elector.stop();
  }
});
