// The client every component talks to the API through: one interface, two transports (HTTP
// for remote processes, in-process for components beside the apiserver; both run the same
// authentication, admission and validation pipeline). Objects are plain JSON typed with
// kubernetes-types; errors are ApiErrors carrying the server's Status.

import type { KubeObject } from '../api/kind.ts';

/** What the client needs to address a kind. */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  limit?: number;
  continue?: string;
}

export interface ObjectList<T> {
  items: T[];
  resourceVersion: string;
  continue?: string;
}

export interface WatchOptions extends ListOptions {
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
  /** Ends the watch: the iterator finishes. */
  signal?: AbortSignal;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T> {
  type: WatchEventType;
  /** For ERROR, a Status. */
  object: T;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** status, scale, binding, finalize... */
  subresource?: string;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface PatchOptions extends WriteOptions {
  /** Server-side apply: take ownership of conflicting fields. */
  force?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface Client {
  get<T extends KubeObject>(type: ResourceType, namespace: string | undefined, name: string, options?: { subresource?: string }): Promise<T>;
  list<T extends KubeObject>(type: ResourceType, options?: ListOptions): Promise<ObjectList<T>>;
  /** Events until the server ends the stream, the signal aborts, or an error; never throws for a 410 — it arrives as an ERROR event. */
  watch<T extends KubeObject>(type: ResourceType, options: WatchOptions): AsyncIterable<WatchEvent<T>>;
  /** Creates obj (in namespace, or obj.metadata.namespace); subresource for POSTs such as pods/binding. */
  create<T extends KubeObject>(type: ResourceType, obj: T, options?: WriteOptions & { namespace?: string; name?: string }): Promise<T>;
  /** Replaces obj (its metadata.resourceVersion, if set, is a precondition). */
  update<T extends KubeObject>(type: ResourceType, obj: T, options?: WriteOptions): Promise<T>;
  patch<T extends KubeObject>(type: ResourceType, namespace: string | undefined, name: string, patchType: PatchType, patch: unknown, options?: PatchOptions): Promise<T>;
  /** Returns the object if it still exists (terminating), or undefined once it is gone. */
  delete<T extends KubeObject>(type: ResourceType, namespace: string | undefined, name: string, options?: DeleteOptions): Promise<T | undefined>;
}
