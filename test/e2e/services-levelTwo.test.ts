// Issue 5 acceptance 2 and 4, the chapter's Level II: a server that takes 8 seconds to start,
// behind a Service and an Ingress, rolled to a new release while clients hit both in a loop:
// zero failed requests. A broken release stalls with the old pods serving (still zero
// failures) and `kubectl rollout undo` recovers. A deleted pod leaves the Service's endpoints
// while it is still serving, so no request reaches it once it stops.

import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { SkiffServer, waitFor } from './harness.ts';
import { getJson, podsOf } from './agents.ts';
import { httpGet, waitForReadyPods } from './realPods.ts';
import { startTraffic, type Target, type Traffic } from './traffic.ts';

const examples = join(import.meta.dirname, '../../examples/level-2');
let server: SkiffServer;
let targets: Target[];

before(async () => {
  server = await SkiffServer.startWithAgent();
  const ingressPort = (await server.ingressPorts()).http;
  await server.ok(['apply', '-f', examples]);
  await waitForReadyPods(server, 'app=web', 3);
  const service = await getJson<Service>(server, ['service', 'web']);
  targets = [
    { name: 'ClusterIP', host: service.spec!.clusterIP!, port: 80 },
    { name: 'Ingress', host: '127.0.0.1', port: ingressPort, hostHeader: 'web.example.com' },
  ];
  for (const target of targets) await waitFor(async () => (await answer(target))?.startsWith('v1 from web-'), 30_000, `${target.name} to answer`);
});

after(async () => {
  await server?.stop();
});

async function answer(target: Target): Promise<string | undefined> {
  const traffic = startTraffic([target], 1);
  await waitFor(() => traffic.answers.get(target.name)!.length + traffic.failures.length > 0, 10_000, `an answer from ${target.name}`);
  await traffic.stop();
  return traffic.answers.get(target.name)![0];
}

/** Stops the clients and asserts every request through every target succeeded (and there were some). */
async function assertNoneFailed(traffic: Traffic): Promise<void> {
  await traffic.stop();
  assert.deepEqual(traffic.failures.slice(0, 20), [], `${traffic.failures.length} failed requests`);
  for (const [name, bodies] of traffic.answers) assert.ok(bodies.length >= 20, `${name} answered only ${bodies.length} requests`);
}

const versionsIn = (bodies: string[]) => [...new Set(bodies.map((b) => b.split(' ')[0]))].sort();

/** Clients on every target until the test ends, however it ends. */
function trafficFor(t: TestContext): Traffic {
  const traffic = startTraffic(targets);
  t.after(() => traffic.stop());
  return traffic;
}

/** `kubectl rollout status`; when it does not end as expected, the failure shows the rollout's state. */
async function rolloutStatus(expect: 'complete' | 'stalled'): Promise<string> {
  const result = await server.kubectl(['rollout', 'status', 'deployment/web', '--timeout=180s']);
  if ((result.code === 0) === (expect === 'complete')) return result.code === 0 ? result.stdout : result.stderr;
  const state = await server.kubectl(['get', 'deployment,replicasets,pods,endpointslices', '-o', 'wide']);
  const described = await server.kubectl(['describe', 'deployment', 'web']);
  throw new Error(`rollout status exited ${result.code}, expected the rollout ${expect}:\n${result.stderr}${result.stdout}\n${state.stdout}\n${described.stdout}`);
}

test('Level II: a rolling update through the Service and the Ingress drops no request', async (t) => {
  const traffic = trafficFor(t);
  await server.ok(['set', 'env', 'deployment/web', 'VERSION=v2']);
  assert.match(await rolloutStatus('complete'), /deployment "web" successfully rolled out/);
  // Once rolled out, only the new release answers.
  for (const target of targets) await waitFor(async () => (await answer(target))?.startsWith('v2 '), 20_000, `${target.name} to answer v2`);
  await assertNoneFailed(traffic);
  for (const [name, bodies] of traffic.answers) assert.deepEqual(versionsIn(bodies), ['v1', 'v2'], `${name} served both releases`);
  const pods = await waitForReadyPods(server, 'app=web', 3);
  assert.ok(pods.every((p) => p.spec!.containers[0]!.env!.some((e) => e.name === 'VERSION' && e.value === 'v2')));
});

test('a broken release stalls the rollout with the old pods serving; rollout undo recovers', async (t) => {
  const traffic = trafficFor(t);
  await server.ok(['set', 'env', 'deployment/web', 'VERSION=v3', 'PORT=8081']);
  assert.match(await rolloutStatus('stalled'), /deployment "web" exceeded its progress deadline/);
  const pods = (await podsOf(server, 'app=web')).filter((p) => !p.metadata?.deletionTimestamp);
  const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  assert.equal(ready.length, 3, 'the three pods of the old release still serve');
  assert.equal(pods.length, 4, 'one pod of the broken release, never ready');

  await server.ok(['rollout', 'undo', 'deployment/web']);
  assert.match(await rolloutStatus('complete'), /successfully rolled out/);
  await waitFor(async () => (await podsOf(server, 'app=web')).length === 3, 30_000, 'the broken pod to go');
  await assertNoneFailed(traffic);
  for (const [name, bodies] of traffic.answers) assert.deepEqual(versionsIn(bodies), ['v2'], `${name} only ever served the working release`);
});

test('a deleted pod leaves the endpoints while it still serves, and no request fails', async (t) => {
  const [victim] = await waitForReadyPods(server, 'app=web', 3);
  const ip = victim!.status!.podIP!;
  const traffic = trafficFor(t);
  await server.ok(['delete', 'pod', victim!.metadata!.name!, '--wait=false']);
  await waitFor(async () => {
    const slices = await getJson<{ items: EndpointSlice[] }>(server, ['endpointslices', '-l', 'kubernetes.io/service-name=web']);
    const endpoint = slices.items.flatMap((s) => s.endpoints ?? []).find((e) => e.addresses.includes(ip));
    return !endpoint || endpoint.conditions?.ready === false;
  }, 10_000, `${ip} to leave the ready endpoints`);
  // Its preStop sleep keeps it serving for three seconds after the deletion: the endpoint went first.
  assert.match((await httpGet(ip, 8080)) ?? '', /^v2 from web-/, 'the pod still serves after its endpoint left');
  await waitFor(async () => (await httpGet(ip, 8080)) === undefined, 30_000, 'the deleted pod to stop serving');
  await waitForReadyPods(server, 'app=web', 3);
  await assertNoneFailed(traffic);
});
