// An InformerFactory over objects the test holds (already "synced"), so the proxy can be driven
// without an API server: put() and remove() call the handlers as a watch event would.

import type { KubeObject } from '../../../api/kind.ts';
import type { ResourceType } from '../../../client/client.ts';
import { keyOf, type EventHandler, type Informer, type InformerFactory } from '../../../client/informer.ts';

export interface StaticInformers extends InformerFactory {
  put(type: ResourceType, obj: KubeObject): void;
  remove(type: ResourceType, obj: KubeObject): void;
}

export function createStaticInformers(): StaticInformers {
  const informers = new Map<string, StaticInformer<KubeObject>>();
  const of = (type: ResourceType) => {
    let informer = informers.get(type.plural);
    if (!informer) informers.set(type.plural, (informer = new StaticInformer(type)));
    return informer;
  };
  return {
    informer: <T extends KubeObject>(type: ResourceType) => of(type) as unknown as Informer<T>,
    start() {},
    async waitForSync() {},
    stop() {},
    put: (type, obj) => of(type).put(obj),
    remove: (type, obj) => of(type).remove(obj),
  };
}

class StaticInformer<T extends KubeObject> implements Informer<T> {
  readonly type: ResourceType;
  readonly resourceVersion = '1';
  readonly #objects = new Map<string, T>();
  readonly #handlers: EventHandler<T>[] = [];

  constructor(type: ResourceType) {
    this.type = type;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.#objects.get(namespace ? `${namespace}/${name}` : name);
  }

  list(namespace?: string, filter?: (obj: T) => boolean): T[] {
    return [...this.#objects.values()].filter((o) => (namespace === undefined || o.metadata?.namespace === namespace) && (!filter || filter(o)));
  }

  byIndex(): T[] {
    throw new Error('static informers have no indexes');
  }

  addHandler(handler: EventHandler<T>): void {
    this.#handlers.push(handler);
    for (const obj of this.#objects.values()) handler.onAdd?.(obj);
  }

  addIndex(): void {
    throw new Error('static informers have no indexes');
  }

  hasSynced(): boolean {
    return true;
  }

  put(obj: T): void {
    const old = this.#objects.get(keyOf(obj));
    this.#objects.set(keyOf(obj), obj);
    for (const h of this.#handlers) old ? h.onUpdate?.(old, obj) : h.onAdd?.(obj);
  }

  remove(obj: T): void {
    if (!this.#objects.delete(keyOf(obj))) return;
    for (const h of this.#handlers) h.onDelete?.(obj);
  }
}
