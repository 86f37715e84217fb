import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffServer, withoutControlLoops } from '../../test/e2e/harness.ts';
import type { KubeObject } from '../api/kind.ts';
import type { Client } from './client.ts';
import { createHttpClient, loadKubeconfig } from './httpClient.ts';
import { createEventRecorder, type EventRecorder } from './events.ts';
import { types } from './resourceTypes.ts';

let server: SkiffServer;
let client: Client;
let recorder: EventRecorder;
before(async () => {
  server = await SkiffServer.start(undefined, 0, withoutControlLoops);
  client = createHttpClient(loadKubeconfig(server.kubeconfig));
  recorder = createEventRecorder(client, 'test-controller');
});
after(() => server?.stop());

interface CoreEvent extends KubeObject {
  involvedObject: Record<string, string>;
  reason: string;
  message: string;
  type: string;
  count: number;
  source: { component: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
  reportingComponent: string;
}

async function eventsAbout(name: string): Promise<CoreEvent[]> {
  const list = await client.list<CoreEvent>(types.events, { fieldSelector: `involvedObject.name=${name}` });
  return list.items.sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
}

function pod(name: string): Promise<KubeObject> {
  return client.create(types.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
}

test('an event is a core/v1 Event about the object, as the legacy recorder writes it', async () => {
  const web = await pod('web');
  recorder.event(web, 'Normal', 'Tested', 'it happened');
  await recorder.flush();
  const [event] = await eventsAbout('web');
  assert.match(event.metadata!.name!, /^web\.[0-9a-f]+$/);
  assert.equal(event.metadata!.namespace, 'default');
  assert.deepEqual(event.involvedObject, { kind: 'Pod', namespace: 'default', name: 'web', uid: web.metadata!.uid, apiVersion: 'v1', resourceVersion: web.metadata!.resourceVersion });
  assert.equal(event.reason, 'Tested');
  assert.equal(event.message, 'it happened');
  assert.equal(event.type, 'Normal');
  assert.equal(event.count, 1);
  assert.deepEqual(event.source, { component: 'test-controller' });
  assert.equal(event.reportingComponent, 'test-controller');
  assert.equal(event.firstTimestamp, event.lastTimestamp);
});

test('repeats of one event raise its count, and kubectl describe shows them', async () => {
  const repeated = await pod('repeated');
  for (let i = 0; i < 3; i++) recorder.event(repeated, 'Warning', 'Failing', 'still failing');
  await recorder.flush();
  const events = await eventsAbout('repeated');
  assert.equal(events.length, 1);
  assert.equal(events[0].count, 3);
  const described = await server.ok(['describe', 'pod', 'repeated']);
  assert.match(described, /Warning\s+Failing\s+.*\(x3 over .*\)\s+test-controller\s+still failing/);
});

test('events about a cluster-scoped object go to the default namespace', async () => {
  const node = await client.create(types.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-ev' } });
  recorder.event(node, 'Normal', 'Registered', 'hello');
  await recorder.flush();
  const [event] = await eventsAbout('node-ev');
  assert.equal(event.metadata!.namespace, 'default');
  assert.equal(event.involvedObject.namespace, undefined);
  assert.equal(event.involvedObject.kind, 'Node');
});

test('more than ten similar events within ten minutes are combined into one', async () => {
  const busy = await pod('busy');
  for (let i = 1; i <= 12; i++) recorder.event(busy, 'Normal', 'Working', `step ${i}`);
  await recorder.flush();
  const events = await eventsAbout('busy');
  const combined = events.filter((e) => e.message.startsWith('(combined from similar events): '));
  assert.equal(events.length - combined.length, 9, 'the first nine stand alone');
  assert.equal(combined.length, 1);
  assert.equal(combined[0].count, 3);
  assert.equal(combined[0].message, '(combined from similar events): step 12');
});

test('the spam filter lets a burst of 25 events about one object through', async () => {
  const noisy = await pod('noisy');
  for (let i = 0; i < 30; i++) recorder.event(noisy, 'Warning', 'Noise', 'again');
  await recorder.flush();
  const events = await eventsAbout('noisy');
  assert.equal(events.length, 1);
  assert.equal(events[0].count, 25);
});
