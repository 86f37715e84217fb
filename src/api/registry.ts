// The registry of kinds the apiserver serves: the built-in groups plus, at run time, the
// kinds CustomResourceDefinitions declare. Everything the API derives is looked up here.

import type { KindDeclaration } from './kind.ts';
import { coreKinds } from './groups/core.ts';
import { appsKinds } from './groups/apps.ts';
import { batchKinds } from './groups/batch.ts';
import { autoscalingKinds } from './groups/autoscaling.ts';
import { clusterKinds } from './groups/cluster.ts';
import { apiextensionsKinds } from './groups/apiextensions.ts';
import { reviewKinds } from './groups/reviews.ts';

export const builtinKinds: KindDeclaration[] = [...coreKinds, ...appsKinds, ...batchKinds, ...autoscalingKinds, ...clusterKinds, ...apiextensionsKinds, ...reviewKinds];

/** A kind as served at one version. */
export interface ServedResource {
  decl: KindDeclaration;
  version: string;
  /** True for the stored version: no conversion needed. */
  stored: boolean;
}

export class Registry {
  #kinds = new Map<string, KindDeclaration>(); // "group/plural"
  #listeners = new Set<() => void>();

  constructor(kinds: KindDeclaration[] = builtinKinds) {
    for (const decl of kinds) this.#kinds.set(resourceKey(decl.group, decl.plural), decl);
  }

  /** Adds or replaces a kind (CRDs); listeners (discovery caches) are told. */
  register(decl: KindDeclaration): void {
    this.#kinds.set(resourceKey(decl.group, decl.plural), decl);
    this.#changed();
  }

  unregister(group: string, plural: string): void {
    if (this.#kinds.delete(resourceKey(group, plural))) this.#changed();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  kinds(): KindDeclaration[] {
    return [...this.#kinds.values()];
  }

  byResource(group: string, plural: string): KindDeclaration | undefined {
    return this.#kinds.get(resourceKey(group, plural));
  }

  /** The kind served at group/version/plural, or undefined if that version is not served. */
  served(group: string, version: string, plural: string): ServedResource | undefined {
    const decl = this.byResource(group, plural);
    if (!decl) return undefined;
    if (decl.version === version) return { decl, version, stored: true };
    if (decl.otherVersions?.some((v) => v.version === version)) return { decl, version, stored: false };
    return undefined;
  }

  byKind(group: string, kind: string): KindDeclaration | undefined {
    for (const decl of this.#kinds.values()) if (decl.group === group && decl.kind === kind) return decl;
    return undefined;
  }

  /** Groups with their served versions, preferred (stored) version first. */
  groups(): { group: string; versions: string[] }[] {
    const groups = new Map<string, Set<string>>();
    for (const decl of this.#kinds.values()) {
      const versions = groups.get(decl.group) ?? new Set<string>();
      versions.add(decl.version);
      for (const other of decl.otherVersions ?? []) versions.add(other.version);
      groups.set(decl.group, versions);
    }
    return [...groups].map(([group, versions]) => ({ group, versions: [...versions].sort(compareVersions) }));
  }

  /** Kinds served at group/version. */
  servedAt(group: string, version: string): ServedResource[] {
    const out: ServedResource[] = [];
    for (const decl of this.#kinds.values()) {
      if (decl.group !== group) continue;
      const served = this.served(group, version, decl.plural);
      if (served) out.push(served);
    }
    return out;
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}

const resourceKey = (group: string, plural: string) => `${group}/${plural}`;

/** Kubernetes version priority: GA > beta > alpha, higher numbers first (v2 > v1 > v1beta2). */
export function compareVersions(a: string, b: string): number {
  return versionRank(b) - versionRank(a);
}

function versionRank(v: string): number {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return -1;
  const stability = m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0;
  return stability * 1e6 + Number(m[1]) * 1e3 + Number(m[3] ?? 0);
}
