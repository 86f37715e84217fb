// CustomResourceDefinitions become kinds: an established CRD is declared in the registry and
// served by the same machinery as the built-in kinds; a deleted one takes its objects with it.

import type { Column, KindDeclaration, KubeObject } from '../api/kind.ts';
import type { Schema } from '../api/schema/schema.ts';
import { compileJsonPath } from '../api/jsonPath.ts';
import { schemaFromJsonSchemaProps } from '../api/schema/crdSchema.ts';
import type { ApiServerCore } from './core.ts';
import type { KindStorage } from './storage.ts';
import { now } from './storage.ts';
import { ApiError } from './errors.ts';

const cleanupFinalizer = 'customresourcecleanup.apiextensions.k8s.io';
const writer = { manager: 'skiff-apiextensions', user: 'system:apiserver' };

export class CustomResources {
  readonly #core: ApiServerCore;
  readonly #crds: KindStorage;
  #stopWatch: (() => void) | undefined;
  /** CRD name -> the kind it declared, to notice renames and deletions. */
  readonly #established = new Map<string, KindDeclaration>();
  #queue: Promise<void> = Promise.resolve();

  constructor(core: ApiServerCore) {
    this.#core = core;
    this.#crds = core.storageFor('apiextensions.k8s.io', 'customresourcedefinitions');
  }

  async start(): Promise<void> {
    const { items, revision } = this.#crds.cache.list({});
    for (const { object } of items) await this.#reconcile(object);
    const watch = this.#crds.cache.watch(revision, (events) => {
      for (const event of events) {
        const crd = event.object;
        this.#queue = this.#queue.then(() => (event.type === 'delete' ? this.#forget(crd) : this.#reconcile(crd))).catch((err) => {
          console.error(`skiff: CRD ${crd.metadata?.name}:`, err);
        });
      }
    });
    this.#stopWatch = () => watch.stop();
  }

  stop(): void {
    this.#stopWatch?.();
  }

  async #reconcile(crd: KubeObject): Promise<void> {
    const name = crd.metadata!.name!;
    if (crd.metadata!.deletionTimestamp) return this.#cleanUp(crd);
    const decl = declarationOf(crd);
    const previous = this.#established.get(name);
    const taken = this.#core.registry.byResource(decl.group, decl.plural);
    if (taken && taken !== previous) {
      return this.#setConditions(crd, false, `"${decl.plural}" is already in use`);
    }
    if (previous && (previous.plural !== decl.plural || previous.group !== decl.group)) this.#forget(crd);
    this.#established.set(name, decl);
    this.#core.registry.register(decl);
    const storage = await this.#core.addKind(decl);
    Object.assign(storage.decl, decl); // a changed CRD (new versions, columns) updates the served kind in place
    if (!crd.metadata!.finalizers?.includes(cleanupFinalizer)) {
      await this.#core.updateObject(this.#crds, undefined, name, (current) => {
        if (!current) throw new ApiError(404, 'NotFound', 'gone');
        current.metadata!.finalizers = [...(current.metadata!.finalizers ?? []), cleanupFinalizer];
        return current;
      }, writer).catch(ignoreNotFound);
    }
    await this.#setConditions(crd, true);
  }

  async #setConditions(crd: KubeObject, accepted: boolean, message = ''): Promise<void> {
    const name = crd.metadata!.name!;
    await this.#core.updateObject(this.#crds, undefined, name, (current) => {
      if (!current) throw new ApiError(404, 'NotFound', 'gone');
      const status: any = (current as any).status ?? {};
      const conditions: any[] = status.conditions ?? [];
      const set = (type: string, ok: boolean, reason: string, msg: string) => {
        const existing = conditions.find((c) => c.type === type);
        const value = ok ? 'True' : 'False';
        if (existing?.status === value && existing.reason === reason) return;
        const condition = { type, status: value, lastTransitionTime: now(), reason, message: msg };
        if (existing) Object.assign(existing, condition);
        else conditions.push(condition);
      };
      set('NamesAccepted', accepted, accepted ? 'NoConflicts' : 'NameConflict', accepted ? 'no conflicts found' : message);
      set('Established', accepted, accepted ? 'InitialNamesAccepted' : 'NotAccepted', accepted ? 'the initial names have been accepted' : 'not all names are accepted');
      const spec: any = (current as any).spec;
      (current as any).status = {
        ...status,
        conditions,
        acceptedNames: accepted ? spec.names : status.acceptedNames ?? { plural: '', kind: '' },
        storedVersions: [...new Set([...(status.storedVersions ?? []), ...spec.versions.filter((v: any) => v.storage).map((v: any) => v.name)])],
      };
      return current;
    }, { ...writer, keepStatus: false }).catch(ignoreNotFound);
  }

  /** Deleting a CRD deletes its objects, then lets the CRD go. */
  async #cleanUp(crd: KubeObject): Promise<void> {
    const name = crd.metadata!.name!;
    const decl = this.#established.get(name);
    if (decl) {
      const storage = this.#core.storageFor(decl.group, decl.plural);
      const { items } = await this.#core.listObjects(storage, undefined, () => true, {});
      for (const item of items) {
        await storage.delete(item.metadata!.namespace, item.metadata!.name!, { gracePeriodSeconds: 0 }).catch(ignoreNotFound);
      }
      this.#forget(crd);
    }
    await this.#core.updateObject(this.#crds, undefined, name, (current) => {
      if (!current) throw new ApiError(404, 'NotFound', 'gone');
      current.metadata!.finalizers = (current.metadata!.finalizers ?? []).filter((f) => f !== cleanupFinalizer);
      return current;
    }, writer).catch(ignoreNotFound);
  }

  #forget(crd: KubeObject): void {
    const decl = this.#established.get(crd.metadata!.name!);
    if (!decl) return;
    this.#established.delete(crd.metadata!.name!);
    this.#core.registry.unregister(decl.group, decl.plural);
    this.#core.removeKind(decl.group, decl.plural);
  }
}

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof ApiError && err.code === 404)) throw err;
}

/** The kind a CRD declares. */
export function declarationOf(crd: KubeObject): KindDeclaration {
  const spec: any = (crd as any).spec;
  const names = spec.names;
  const versions: any[] = spec.versions ?? [];
  const stored = versions.find((v) => v.storage) ?? versions[0];
  const withApiVersion = (version: string) => (obj: any) => ({ ...obj, apiVersion: `${spec.group}/${version}` });
  const scale = stored.subresources?.scale;
  const schemas = new Map<string, Schema | undefined>();
  return {
    group: spec.group,
    version: stored.name,
    otherVersions: versions
      .filter((v) => v.served && v.name !== stored.name)
      .map((v) => ({ version: v.name, toStored: withApiVersion(stored.name), fromStored: withApiVersion(v.name) })),
    kind: names.kind,
    plural: names.plural,
    singular: names.singular || names.kind.toLowerCase(),
    namespaced: spec.scope === 'Namespaced',
    shortNames: names.shortNames,
    categories: names.categories,
    subresources: {
      status: !!stored.subresources?.status,
      scale: scale ? { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath, labelSelectorPath: scale.labelSelectorPath } : undefined,
    },
    columns: printerColumns(stored.additionalPrinterColumns),
    generation: true,
    schema: (version) => {
      if (!schemas.has(version)) {
        const v = versions.find((x) => x.name === version);
        schemas.set(version, v?.schema?.openAPIV3Schema ? schemaFromJsonSchemaProps(v.schema.openAPIV3Schema, { group: spec.group, version, kind: names.kind }) : undefined);
      }
      return schemas.get(version);
    },
  };
}

function printerColumns(columns: any[] | undefined): Column[] | undefined {
  if (!columns?.length) return undefined;
  return columns.map((c) => {
    const get = compileJsonPath(c.jsonPath);
    const type = c.type === 'date' ? 'date' : c.type;
    return { name: c.name, type, format: c.format, description: c.description, priority: c.priority ?? 0, cell: get };
  });
}
