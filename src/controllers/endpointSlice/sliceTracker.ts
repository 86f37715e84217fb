// The slices this controller wrote that its informer has not shown yet, per Service (as
// upstream's EndpointSliceTracker): a sync on such a stale cache could create a second slice
// for the same endpoints, so it waits until the cache has caught up. (skiff resourceVersions
// are store revisions, so they order.)

import type { EndpointSliceObject } from './slicePlan.ts';
import { serviceNameLabel } from '../../api/groups/cluster/endpointSlice.ts';

const deleted = -1;

export class SliceTracker {
  /** service key -> slice name -> the resourceVersion written (or deleted) */
  readonly #pending = new Map<string, Map<string, number>>();

  /** A write's result; cached is what the informer holds for that slice now. */
  wrote(serviceKey: string, slice: EndpointSliceObject, cached: EndpointSliceObject | undefined): void {
    const version = Number(slice.metadata?.resourceVersion);
    if (Number(cached?.metadata?.resourceVersion) >= version) return; // already seen
    this.#slices(serviceKey).set(slice.metadata!.name!, version);
  }

  removed(serviceKey: string, name: string, cached: EndpointSliceObject | undefined): void {
    if (cached) this.#slices(serviceKey).set(name, deleted);
  }

  /** The informer showed this slice (gone: its deletion). */
  observed(slice: EndpointSliceObject, gone: boolean): void {
    const serviceKey = `${slice.metadata?.namespace}/${slice.metadata?.labels?.[serviceNameLabel]}`;
    const slices = this.#pending.get(serviceKey);
    const name = slice.metadata!.name!;
    const expected = slices?.get(name);
    if (expected === undefined) return;
    if (gone || (expected !== deleted && Number(slice.metadata?.resourceVersion) >= expected)) slices!.delete(name);
    if (slices!.size === 0) this.#pending.delete(serviceKey);
  }

  /** Whether the informer has yet to show some of this service's writes. */
  stale(serviceKey: string): boolean {
    return this.#pending.has(serviceKey);
  }

  forget(serviceKey: string): void {
    this.#pending.delete(serviceKey);
  }

  #slices(serviceKey: string): Map<string, number> {
    let slices = this.#pending.get(serviceKey);
    if (!slices) this.#pending.set(serviceKey, (slices = new Map()));
    return slices;
  }
}
