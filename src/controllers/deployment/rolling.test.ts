import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '../../api/objects.ts';
import { maxSurge, maxUnavailable } from './fenceposts.ts';
import { newReplicaSetTarget, oldReplicaSetsScaleDown } from './rolling.ts';
import { newReplicaSetReplicas } from './newReplicaSet.ts';
import { activeReplicaSets } from './replicaSets.ts';

const deployment = (replicas: number, surge: number | string, unavailable: number | string): Deployment => ({
  metadata: { name: 'web', namespace: 'default', uid: 'd' },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } },
});

const rs = (name: string, spec: number, pods: number, available: number, age: number): ReplicaSet => ({
  metadata: { name, uid: name, creationTimestamp: new Date(Date.parse('2026-01-01T00:00:00Z') - age * 1000).toISOString() },
  spec: { replicas: spec, selector: {}, template: {} },
  status: { replicas: pods, availableReplicas: available },
});

test('the new replica set grows by what maxSurge leaves, up to spec.replicas', () => {
  const d = deployment(10, '25%', '25%'); // surge 3, unavailable 2
  const old = rs('old', 10, 10, 10, 60);
  const fresh = rs('new', 0, 0, 0, 0);
  assert.equal(newReplicaSetReplicas(d, [old, fresh], fresh), 3);
  assert.equal(newReplicaSetReplicas(d, [rs('old', 2, 2, 2, 60), rs('new', 8, 8, 8, 0)], rs('new', 8, 8, 8, 0)), 10);
  assert.equal(newReplicaSetReplicas(deployment(10, 0, 2), [old, fresh], fresh), 0);
});

test('pods an old replica set still runs after being scaled down count against the surge', () => {
  const d = deployment(10, 3, 2);
  const fresh = rs('new', 3, 3, 0, 0);
  // Scaled to 7 but its 10 pods are not gone yet: no room to grow.
  assert.equal(newReplicaSetReplicas(d, [rs('old', 7, 10, 10, 60), fresh], fresh), 3);
  assert.equal(newReplicaSetReplicas(d, [rs('old', 7, 7, 7, 60), fresh], fresh), 6);
});

test('a new replica set over spec.replicas goes straight down to it', () => {
  const d = deployment(3, 1, 0);
  const big = rs('new', 5, 5, 5, 0);
  assert.equal(newReplicaSetTarget(d, [big], big), 3);
});

test('old replica sets shrink by what availability allows, unavailable pods first', () => {
  const d = deployment(10, 3, 2); // minAvailable 8
  // upstream's example: 13 pods, 3 new not available: 13 - 8 - 3 = 2 may go.
  const old = rs('old', 10, 10, 10, 60);
  const fresh = rs('new', 3, 3, 0, 0);
  assert.deepEqual(steps(oldReplicaSetsScaleDown(d, [old, fresh], [old], fresh)), [['old', 8]]);
  // New pods available: 3 more may go.
  const ready = rs('new', 3, 3, 3, 0);
  assert.deepEqual(steps(oldReplicaSetsScaleDown(d, [old, ready], [old], ready)), [['old', 5]]);
  // Unhealthy old pods go first, even with nothing to spare from the available ones.
  const sick = rs('sick', 4, 4, 0, 120);
  const healthy = rs('old', 8, 8, 8, 60);
  const none = rs('new', 0, 0, 0, 0);
  assert.deepEqual(steps(oldReplicaSetsScaleDown(d, [sick, healthy, none], [sick, healthy], none)), [['sick', 0]]);
});

test('nothing is scaled down while an old replica set reports more available pods than it wants', () => {
  const d = deployment(10, 3, 2);
  const fresh = rs('new', 3, 3, 3, 0);
  assert.deepEqual(oldReplicaSetsScaleDown(d, [rs('old', 7, 10, 10, 60), fresh], [rs('old', 7, 10, 10, 60)], fresh), []);
});

const steps = (list: { rs: ReplicaSet; replicas: number }[]) => list.map((s) => [s.rs.metadata!.name, s.replicas]);

// ---- A whole rollout, step by step, against a model of ReplicaSets and pods ----

interface ModelRS {
  name: string;
  template: number;
  created: number;
  spec: number;
  available: number;
  unavailable: number;
}

function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const objectOf = (m: ModelRS): ReplicaSet => ({
  metadata: { name: m.name, uid: m.name, creationTimestamp: new Date(m.created * 1000).toISOString() },
  spec: { replicas: m.spec, selector: {}, template: {} },
  status: { replicas: m.available + m.unavailable, availableReplicas: m.available },
});

/**
 * Rolls `replicas` pods from template 0 to `templates` (each template change after `changeAfter`
 * steps), with ReplicaSet controllers that lag and pods that become available at random (never,
 * for a broken template); after every move of the controller, the ReplicaSets or the pods,
 * total pods stay within replicas + maxSurge and available ones at or above replicas - maxUnavailable.
 */
function simulate(d: Deployment, seed: number, options: { templates: number; changeAfter?: number; broken?: number }): { models: ModelRS[]; steps: number } {
  const rand = random(seed);
  const replicas = d.spec!.replicas!;
  const ceiling = replicas + maxSurge(d);
  const floor = replicas - maxUnavailable(d);
  const models: ModelRS[] = [{ name: 'rs-0', template: 0, created: 0, spec: replicas, available: replicas, unavailable: 0 }];
  let template = 1;
  const check = (when: string, step: number) => {
    const pods = models.reduce((n, m) => n + m.available + m.unavailable, 0);
    const available = models.reduce((n, m) => n + m.available, 0);
    assert.ok(pods <= ceiling, `seed ${seed} step ${step} ${when}: ${pods} pods > ${ceiling}`);
    assert.ok(available >= floor, `seed ${seed} step ${step} ${when}: ${available} available < ${floor}`);
  };
  for (let step = 1; step <= 500; step++) {
    if (template < options.templates && step >= (options.changeAfter ?? 1) * template) template++;
    // The Deployment controller: one rolling step.
    let fresh = models.find((m) => m.template === template);
    if (!fresh) {
      const draft: ModelRS = { name: `rs-${template}`, template, created: step, spec: 0, available: 0, unavailable: 0 };
      draft.spec = newReplicaSetReplicas(d, models.map(objectOf), objectOf(draft));
      models.push((fresh = draft));
    }
    const objects = new Map(models.map((m) => [m, objectOf(m)]));
    const target = newReplicaSetTarget(d, [...objects.values()], objects.get(fresh)!);
    if (target !== fresh.spec) fresh.spec = target;
    else {
      const olds = models.filter((m) => m !== fresh);
      for (const down of oldReplicaSetsScaleDown(d, [...objects.values()], activeReplicaSets(olds.map((m) => objects.get(m)!)), objects.get(fresh)!)) {
        models.find((m) => m.name === down.rs.metadata!.name)!.spec = down.replicas;
      }
    }
    check('after the deployment step', step);
    // ReplicaSet controllers, each converging (or not yet) to its spec; unavailable pods go first.
    for (const m of models) {
      if (rand() < 0.4) continue;
      const pods = m.available + m.unavailable;
      if (pods < m.spec) m.unavailable += m.spec - pods;
      else if (pods > m.spec) {
        const excess = pods - m.spec;
        const fromUnavailable = Math.min(excess, m.unavailable);
        m.unavailable -= fromUnavailable;
        m.available -= excess - fromUnavailable;
      }
      check('after a replica set converged', step);
    }
    // Pods become available, except those of a broken template.
    for (const m of models) {
      if (m.template === options.broken) continue;
      let becoming = 0;
      for (let i = 0; i < m.unavailable; i++) if (rand() < 0.5) becoming++;
      m.unavailable -= becoming;
      m.available += becoming;
      check('after pods became available', step);
    }
    const latest = models.find((m) => m.template === template)!;
    const done = template === options.templates && latest.available === replicas && models.every((m) => m === latest || m.available + m.unavailable === 0);
    if (done) return { models, steps: step };
  }
  return { models, steps: Infinity };
}

test('rolling updates never exceed maxSurge nor go below maxUnavailable, and finish', () => {
  const shapes: [number, number | string, number | string][] = [
    [3, '25%', '25%'], [10, '25%', '25%'], [10, 3, 2], [5, 0, 1], [5, 1, 0], [7, '50%', '0%'], [1, 1, 0], [1, 0, 1], [20, '10%', '30%'],
  ];
  for (const [replicas, surge, unavailable] of shapes) {
    for (let seed = 1; seed <= 20; seed++) {
      const { steps: taken } = simulate(deployment(replicas, surge, unavailable), seed, { templates: 1 });
      assert.ok(taken < Infinity, `${replicas}/${surge}/${unavailable} seed ${seed} never finished`);
    }
  }
});

test('a rollover (the template changes mid-rollout) keeps the bounds and ends on the latest template', () => {
  for (const [replicas, surge, unavailable] of [[10, '25%', '25%'], [6, 2, 0], [6, 0, 2]] as const) {
    for (let seed = 1; seed <= 20; seed++) {
      const { steps: taken } = simulate(deployment(replicas, surge, unavailable), seed, { templates: 3, changeAfter: 3 });
      assert.ok(taken < Infinity, `seed ${seed} never finished`);
    }
  }
});

test('a template whose pods never become available stalls with the old pods serving', () => {
  for (const [replicas, surge, unavailable] of [[3, '25%', '25%'], [10, 3, 2], [4, 0, 1]] as const) {
    const { models, steps: taken } = simulate(deployment(replicas, surge, unavailable), 7, { templates: 1, broken: 1 });
    assert.equal(taken, Infinity);
    const old = models.find((m) => m.template === 0)!;
    assert.ok(old.available >= replicas - maxUnavailable(deployment(replicas, surge, unavailable)));
  }
});
