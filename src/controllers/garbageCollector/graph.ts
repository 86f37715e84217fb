// The collector's view of ownership, as upstream's dependency graph but read straight from
// the informers: one informer per monitored kind, dependents found by the owner-uid index,
// owners by their reference. Work queue keys name one object of one kind.

import type { KubeObject, OwnerReference } from '../../api/kind.ts';
import { builtinKinds } from '../../api/registry.ts';
import type { ResourceType } from '../../client/client.ts';
import { indexes, keyOf, splitKey, type Informer } from '../../client/informer.ts';
import { resourceTypeOf } from '../../client/resourceTypes.ts';
import { groupOf } from './resources.ts';

export interface Monitor {
  type: ResourceType;
  informer: Informer<KubeObject>;
  /** Stops the informer, for monitors the collector started itself (custom resources). */
  stop?: () => void;
}

export interface GraphItem {
  key: string;
  type: ResourceType;
  obj: KubeObject;
}

/** "group|plural|namespace/name" */
export function itemKey(type: ResourceType, obj: KubeObject): string {
  return `${type.group}|${type.plural}|${keyOf(obj)}`;
}

export class OwnershipGraph {
  readonly #byResource = new Map<string, Monitor>();
  readonly #byKind = new Map<string, Monitor>();

  add(monitor: Monitor): void {
    const { group, plural, kind } = monitor.type;
    this.#byResource.set(`${group}|${plural}`, monitor);
    this.#byKind.set(`${group}|${kind}`, monitor);
  }

  has(type: ResourceType): boolean {
    return this.#byResource.has(`${type.group}|${type.plural}`);
  }

  remove(type: ResourceType): void {
    const monitor = this.#byResource.get(`${type.group}|${type.plural}`);
    if (!monitor) return;
    monitor.stop?.();
    this.#byResource.delete(`${type.group}|${type.plural}`);
    this.#byKind.delete(`${type.group}|${type.kind}`);
  }

  /** Stops the monitors the collector started. */
  stop(): void {
    for (const monitor of this.#byResource.values()) monitor.stop?.();
  }

  /** The cached object a key names. */
  item(key: string): GraphItem | undefined {
    const [group, plural, rest] = key.split('|');
    const monitor = this.#byResource.get(`${group}|${plural}`);
    if (!monitor || rest === undefined) return undefined;
    const { namespace, name } = splitKey(rest);
    const obj = monitor.informer.get(namespace, name);
    return obj && { key, type: monitor.type, obj };
  }

  /** Every cached object with an owner reference to uid. */
  dependents(uid: string): GraphItem[] {
    const out: GraphItem[] = [];
    for (const { type, informer } of this.#byResource.values()) {
      for (const obj of informer.byIndex(indexes.ownerUid, uid)) out.push({ key: itemKey(type, obj), type, obj });
    }
    return out;
  }

  /** The cached owner a reference names, if cached with the reference's uid. */
  cachedOwner(ref: OwnerReference, dependentNamespace: string | undefined): KubeObject | undefined {
    const monitor = this.#byKind.get(`${groupOf(ref.apiVersion)}|${ref.kind}`);
    if (!monitor) return undefined;
    const owner = monitor.informer.get(monitor.type.namespaced ? dependentNamespace : undefined, ref.name);
    return owner?.metadata?.uid === ref.uid ? owner : undefined;
  }

  /** The type an owner reference's apiVersion and kind name: a monitored kind, else a built-in one. */
  typeOf(apiVersion: string, kind: string): ResourceType | undefined {
    const group = groupOf(apiVersion);
    const monitored = this.#byKind.get(`${group}|${kind}`)?.type;
    if (monitored) return monitored;
    const decl = builtinKinds.find((k) => k.group === group && k.kind === kind);
    return decl && resourceTypeOf(decl);
  }
}
