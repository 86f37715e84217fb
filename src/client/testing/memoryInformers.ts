// An InformerFactory over objects a test or benchmark holds (always "synced"), for driving a
// component without an API server: put() and remove() call the handlers as watch events would.

import type { KubeObject } from '../../api/kind.ts';
import type { ResourceType } from '../client.ts';
import { keyOf, type EventHandler, type Informer, type InformerFactory } from '../informer.ts';

export interface MemoryInformers extends InformerFactory {
  /** Adds or replaces an object (onAdd or onUpdate). */
  put(type: ResourceType, obj: KubeObject): void;
  /** Removes an object, if there (onDelete). */
  remove(type: ResourceType, namespace: string | undefined, name: string): void;
}

export function createMemoryInformers(): MemoryInformers {
  const informers = new Map<string, MemoryInformer<KubeObject>>();
  const of = (type: ResourceType) => {
    let informer = informers.get(type.plural);
    if (!informer) informers.set(type.plural, (informer = new MemoryInformer(type)));
    return informer;
  };
  return {
    informer: <T extends KubeObject>(type: ResourceType) => of(type) as unknown as Informer<T>,
    start() {},
    async waitForSync() {},
    stop() {},
    put: (type, obj) => of(type).put(obj),
    remove: (type, namespace, name) => of(type).remove(namespace, name),
  };
}

class MemoryInformer<T extends KubeObject> implements Informer<T> {
  readonly type: ResourceType;
  readonly resourceVersion = '';
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
    throw new Error('memory informers have no indexes');
  }

  addIndex(): void {
    throw new Error('memory informers have no indexes');
  }

  addHandler(handler: EventHandler<T>): void {
    this.#handlers.push(handler);
    for (const obj of this.#objects.values()) handler.onAdd?.(obj);
  }

  hasSynced(): boolean {
    return true;
  }

  put(obj: T): void {
    const old = this.#objects.get(keyOf(obj));
    this.#objects.set(keyOf(obj), obj);
    for (const h of this.#handlers) old ? h.onUpdate?.(old, obj) : h.onAdd?.(obj);
  }

  remove(namespace: string | undefined, name: string): void {
    const key = namespace ? `${namespace}/${name}` : name;
    const old = this.#objects.get(key);
    if (!old) return;
    this.#objects.delete(key);
    for (const h of this.#handlers) h.onDelete?.(old);
  }
}
