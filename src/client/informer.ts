// Informers: list then watch one kind, keep a shared in-memory cache with indexes, and tell
// handlers about changes. One informer per kind (and selector) per process; every
// controller reads the same cache through listers and never the store.

import type { KubeObject } from '../api/kind.ts';
import type { Client, ResourceType } from './client.ts';

/** Read access to an informer's cache. Objects are shared: never modify them (clone first). */
export interface Lister<T extends KubeObject> {
  /** By namespace and name (namespace undefined for cluster-scoped kinds). */
  get(namespace: string | undefined, name: string): T | undefined;
  /** All objects, or those in one namespace; optionally filtered. */
  list(namespace?: string, filter?: (obj: T) => boolean): T[];
  /** Objects whose index `index` yields `value`. */
  byIndex(index: string, value: string): T[];
}

export interface EventHandler<T extends KubeObject> {
  onAdd?(obj: T): void;
  onUpdate?(old: T, obj: T): void;
  /** obj is the last known state; after a relist it may be a tombstone of an object gone while disconnected. */
  onDelete?(obj: T): void;
}

/** Built-in indexes every informer has. */
export const indexes = {
  /** metadata.namespace */
  namespace: 'namespace',
  /** The uid of every owner reference. */
  ownerUid: 'ownerUid',
  /** The uid of the controller owner reference only. */
  controllerUid: 'controllerUid',
  /** spec.nodeName (pods). */
  nodeName: 'nodeName',
  /** Every label as "key=value". */
  label: 'label',
} as const;

export interface Informer<T extends KubeObject> extends Lister<T> {
  readonly type: ResourceType;
  /** Handlers added after sync first get onAdd for every cached object. */
  addHandler(handler: EventHandler<T>): void;
  addIndex(name: string, index: (obj: T) => string[]): void;
  hasSynced(): boolean;
  /** The resourceVersion of the last event or list applied. */
  readonly resourceVersion: string;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface InformerFactory {
  /** The shared informer of a kind (one per type and options). Starts when the factory starts (or at once if it already has). */
  informer<T extends KubeObject>(type: ResourceType, options?: InformerOptions): Informer<T>;
  start(): void;
  /** Resolves once every informer made so far has listed. */
  waitForSync(signal?: AbortSignal): Promise<void>;
  stop(): void;
}

export declare function createInformerFactory(client: Client): InformerFactory;

/** "namespace/name", or "name" for cluster-scoped objects: the key work queues carry. */
export function keyOf(obj: KubeObject): string {
  const { namespace, name } = obj.metadata ?? {};
  return namespace ? `${namespace}/${name}` : String(name);
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
