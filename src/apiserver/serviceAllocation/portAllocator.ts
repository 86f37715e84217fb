// Node ports from the node port range (30000-32767 unless configured), as upstream's port
// allocator: one pool for every protocol, picked at random (upper band first, see
// bitmap.ts), or taken as requested.

import { AllocationBitmap, AllocationError, rangeFull, staticBandSize } from './bitmap.ts';

export interface PortRange {
  base: number;
  size: number;
}

export const defaultNodePortRange = '30000-32767';

/** "30000-32767" (or a single port), as --service-node-port-range takes it; throws if malformed. */
export function parsePortRange(text: string): PortRange {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  if (!match) throw new Error(`node port range: not a range of ports: ${text} (e.g. 30000-32767)`);
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  if (low < 1 || high > 65535 || high < low) throw new Error(`node port range ${text}: must be within 1-65535, low end first`);
  return { base: low, size: high - low + 1 };
}

export class PortAllocator {
  /** "30000-32767", as upstream's errors print the range. */
  readonly range: string;
  readonly #base: number;
  readonly #bitmap: AllocationBitmap;

  constructor(range: PortRange) {
    this.#base = range.base;
    this.range = `${range.base}-${range.base + range.size - 1}`;
    this.#bitmap = new AllocationBitmap(range.size, staticBandSize(range.size, { floor: 16, step: 32, ceiling: 128 }));
  }

  get used(): number {
    return this.#bitmap.used;
  }

  contains(port: number): boolean {
    return Number.isInteger(port) && port >= this.#base && port < this.#base + this.#bitmap.size;
  }

  has(port: number): boolean {
    return this.contains(port) && this.#bitmap.has(port - this.#base);
  }

  /** Takes port for holder, or throws an AllocationError worded as upstream's (not in range, already allocated). */
  allocate(port: number, holder: string): void {
    this.check(port);
    this.#bitmap.take(port - this.#base, holder);
  }

  /** Throws what allocate(port) would, without taking it. */
  check(port: number): void {
    if (!this.contains(port)) throw new AllocationError(`provided port is not in the valid range. The range of valid ports is ${this.range}`);
    if (this.#bitmap.has(port - this.#base)) throw new AllocationError('provided port is already allocated');
  }

  /** Takes a free port for holder; throws when the range is full. */
  allocateNext(holder: string): number {
    const slot = this.#bitmap.takeNext(holder);
    if (slot === undefined) throw new AllocationError(rangeFull);
    return this.#base + slot;
  }

  /** Gives port back if holder holds it; one outside the range, free, or held by another is ignored. */
  release(port: number, holder: string): void {
    if (this.contains(port)) this.#bitmap.release(port - this.#base, holder);
  }
}
