import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffServer, waitFor, withoutControlLoops } from '../../test/e2e/harness.ts';
import type { KubeObject, OwnerReference } from '../api/kind.ts';
import type { Client, ObjectList, WatchEvent } from './client.ts';
import { createHttpClient, loadKubeconfig } from './httpClient.ts';
import { createInformerFactory, indexes, type EventHandler, type InformerFactory } from './informer.ts';
import { types } from './resourceTypes.ts';

let server: SkiffServer;
let client: Client;
let factory: InformerFactory;
before(async () => {
  server = await SkiffServer.start(undefined, 0, withoutControlLoops);
  client = createHttpClient(loadKubeconfig(server.kubeconfig));
  factory = createInformerFactory(client);
});
after(async () => {
  factory?.stop();
  await server?.stop();
});

/** A handler that writes "add x", "update x", "delete x" lines. */
function recorder(): { log: string[]; handler: EventHandler<KubeObject> } {
  const log: string[] = [];
  return {
    log,
    handler: {
      onAdd: (obj) => log.push(`add ${obj.metadata?.name}`),
      onUpdate: (_, obj) => log.push(`update ${obj.metadata?.name}`),
      onDelete: (obj) => log.push(`delete ${obj.metadata?.name}`),
    },
  };
}

const configMap = (namespace: string, name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });

test('an informer lists, then sees adds, updates and deletes in order', async () => {
  await client.create(types.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'inf' } });
  await client.create(types.configMaps, configMap('inf', 'before'));
  const informer = factory.informer(types.configMaps, { namespace: 'inf' });
  const { log, handler } = recorder();
  informer.addHandler(handler);
  factory.start();
  await factory.waitForSync();
  assert.ok(informer.hasSynced());
  assert.deepEqual(log, ['add before']);
  assert.equal(informer.get('inf', 'before')?.kind, 'ConfigMap');

  await client.create(types.configMaps, configMap('inf', 'x'));
  await client.patch(types.configMaps, 'inf', 'x', 'merge', { data: { a: '1' } });
  await client.delete(types.configMaps, 'inf', 'x');
  await waitFor(() => log.length === 4, 10_000, 'three events');
  assert.deepEqual(log, ['add before', 'add x', 'update x', 'delete x']);
  assert.equal(informer.get('inf', 'x'), undefined);
  assert.deepEqual(informer.list('inf').map((o) => o.metadata?.name), ['before']);
  assert.ok(Number(informer.resourceVersion) > 0);
});

test('a handler added after sync gets the cache as adds; a throwing handler breaks nothing', async () => {
  const informer = factory.informer(types.configMaps, { namespace: 'inf' });
  const { log, handler } = recorder();
  informer.addHandler({ onAdd: () => { throw new Error('handler bug (expected in this test)'); } });
  informer.addHandler(handler);
  assert.deepEqual(log, ['add before']);
  await client.create(types.configMaps, configMap('inf', 'after-throw'));
  await waitFor(() => log.includes('add after-throw'), 10_000, 'the add after a throwing handler');
});

test('indexes: namespace, owner, controller, node, label, and custom ones, kept current', async () => {
  const informer = factory.informer<KubeObject>(types.pods); // made after start: starts at once
  informer.addIndex('image', (pod) => ((pod.spec as any)?.containers ?? []).map((c: { image: string }) => c.image));
  await factory.waitForSync();
  const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'uid-rs' };
  const other = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'uid-cm' };
  const pod = (name: string, nodeName?: string, ownerReferences?: OwnerReference[]): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'inf', labels: { app: 'web' }, ownerReferences },
    spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }] },
  });
  await client.create(types.pods, pod('p1', 'node-1', [{ ...owner, controller: true }, other]));
  await client.create(types.pods, pod('p2', undefined, [other]));
  await waitFor(() => informer.list('inf').length === 2, 10_000, 'both pods in the cache');

  const names = (objs: KubeObject[]) => objs.map((o) => o.metadata?.name).sort();
  assert.deepEqual(names(informer.byIndex(indexes.namespace, 'inf')), ['p1', 'p2']);
  assert.deepEqual(names(informer.byIndex(indexes.ownerUid, 'uid-cm')), ['p1', 'p2']);
  assert.deepEqual(names(informer.byIndex(indexes.controllerUid, 'uid-rs')), ['p1']);
  assert.deepEqual(names(informer.byIndex(indexes.controllerUid, 'uid-cm')), []);
  assert.deepEqual(names(informer.byIndex(indexes.nodeName, 'node-1')), ['p1']);
  assert.deepEqual(names(informer.byIndex(indexes.label, 'app=web')), ['p1', 'p2']);
  assert.deepEqual(names(informer.byIndex('image', 'nginx')), ['p1', 'p2']);

  await client.patch(types.pods, 'inf', 'p2', 'merge', { metadata: { labels: { app: 'db' } } });
  await waitFor(() => informer.byIndex(indexes.label, 'app=db').length === 1, 10_000, 'the relabelled pod');
  assert.deepEqual(names(informer.byIndex(indexes.label, 'app=web')), ['p1']);
  await client.delete(types.pods, 'inf', 'p1', { gracePeriodSeconds: 0 });
  await waitFor(() => informer.byIndex(indexes.nodeName, 'node-1').length === 0, 10_000, 'the deleted pod gone from the index');
  assert.deepEqual(names(informer.byIndex(indexes.controllerUid, 'uid-rs')), []);
});

test('an informer resumes after the server restarts', async () => {
  const informer = factory.informer(types.configMaps, { namespace: 'inf' });
  const { log, handler } = recorder();
  informer.addHandler(handler);
  log.length = 0;
  await server.kill('SIGKILL');
  await server.restart();
  await client.create(types.configMaps, configMap('inf', 'after-restart'));
  await client.delete(types.configMaps, 'inf', 'before');
  await waitFor(() => log.includes('add after-restart') && log.includes('delete before'), 20_000, 'the changes after the restart');
  assert.deepEqual(log.filter((l) => /after-restart|before/.test(l)), ['add after-restart', 'delete before']);
});

test('an expired watch relists and hands handlers the difference', async () => {
  const api = new FakeApi();
  const obj = (name: string, rv: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', resourceVersion: rv } });
  api.list = { items: [obj('a', '1'), obj('b', '1'), obj('c', '1')], resourceVersion: '1' };
  const fakeFactory = createInformerFactory(api.client);
  const informer = fakeFactory.informer(types.configMaps);
  const { log, handler } = recorder();
  informer.addHandler(handler);
  fakeFactory.start();
  try {
    await fakeFactory.waitForSync();
    await waitFor(() => api.watches.length === 1, 5_000, 'the watch');
    assert.equal(api.watches[0], '1', 'the watch starts from the list');
    api.send({ type: 'MODIFIED', object: obj('a', '2') });
    api.send({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '5' } } });
    await waitFor(() => informer.resourceVersion === '5', 5_000, 'the bookmark');

    // While "disconnected": b changed, c went away, d appeared, a stayed as last seen.
    api.list = { items: [obj('a', '2'), obj('b', '6'), obj('d', '7')], resourceVersion: '8' };
    api.send({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } as KubeObject });
    await waitFor(() => api.watches.length === 2, 5_000, 'the watch after the relist');
    assert.equal(api.watches[1], '8');
    assert.deepEqual(log, ['add a', 'add b', 'add c', 'update a', 'update b', 'add d', 'delete c']);
    assert.deepEqual(informer.list().map((o) => o.metadata?.name).sort(), ['a', 'b', 'd']);

    // A watch the server ends is resumed from the last resourceVersion, without a relist.
    api.send({ type: 'ADDED', object: obj('e', '9') });
    api.end();
    await waitFor(() => api.watches.length === 3, 5_000, 'the resumed watch');
    assert.equal(api.watches[2], '9');
    assert.equal(api.lists, 2);
  } finally {
    fakeFactory.stop();
  }
});

/** A Client whose list answers `list` and whose one open watch is fed by send() and end(). */
class FakeApi {
  list: ObjectList<KubeObject> = { items: [], resourceVersion: '0' };
  lists = 0;
  /** The resourceVersion each watch started from. */
  watches: string[] = [];
  #pending: (WatchEvent<KubeObject> | 'end')[] = [];
  #wake: (() => void) | undefined;

  readonly client: Client = {
    list: async <T extends KubeObject>() => {
      this.lists++;
      return structuredClone(this.list) as ObjectList<T>;
    },
    watch: <T extends KubeObject>(_: unknown, options: { resourceVersion?: string; signal?: AbortSignal }) => this.#stream(options) as AsyncIterable<WatchEvent<T>>,
    get: unsupported,
    create: unsupported,
    update: unsupported,
    patch: unsupported,
    delete: unsupported,
  };

  send(event: WatchEvent<KubeObject>): void {
    this.#pending.push(event);
    this.#wake?.();
  }

  end(): void {
    this.#pending.push('end');
    this.#wake?.();
  }

  async *#stream(options: { resourceVersion?: string; signal?: AbortSignal }): AsyncGenerator<WatchEvent<KubeObject>> {
    this.watches.push(options.resourceVersion ?? '');
    const aborted = new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve(), { once: true }));
    for (;;) {
      const next = this.#pending.shift();
      if (next === 'end') return;
      if (next) {
        yield next;
        continue;
      }
      await Promise.race([new Promise<void>((resolve) => (this.#wake = resolve)), aborted]);
      if (options.signal?.aborted) return;
    }
  }
}

function unsupported(): never {
  throw new Error('not used by informers');
}
