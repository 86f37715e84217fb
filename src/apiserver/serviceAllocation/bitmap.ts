// A fixed range of slots (the addresses of a service CIDR, the ports of the node port range),
// each free or taken. As upstream's allocators since KEP-3070/3668, the range has a lower
// "static" band that dynamic allocation uses only once the upper band is full, so values
// people pick by hand (the DNS service's tenth address, a well-known node port) stay free.
// Each taken slot remembers its holder, so a release by anyone else (a Service that claimed
// an address another one holds) frees nothing.

/** Why a value could not be taken; its message is the one upstream's allocators give. */
export class AllocationError extends Error {}

export const rangeFull = 'range is full';

export class AllocationBitmap {
  readonly size: number;
  /** Slots below this index form the static band. */
  readonly staticBand: number;
  readonly #taken: Uint8Array;
  readonly #holders = new Map<number, string>();
  #count = 0;

  constructor(size: number, staticBand: number) {
    this.size = size;
    this.staticBand = Math.min(staticBand, size);
    this.#taken = new Uint8Array(size);
  }

  get used(): number {
    return this.#count;
  }

  has(slot: number): boolean {
    return this.#taken[slot] === 1;
  }

  /** Takes the slot for holder; false if it was taken already. */
  take(slot: number, holder: string): boolean {
    if (this.#taken[slot]) return false;
    this.#taken[slot] = 1;
    this.#holders.set(slot, holder);
    this.#count++;
    return true;
  }

  /** A random free slot of the upper band, else of the static band (taken); undefined when full. */
  takeNext(holder: string): number | undefined {
    if (this.#count >= this.size) return undefined;
    const slot = this.#scan(this.staticBand, this.size) ?? this.#scan(0, this.staticBand);
    if (slot !== undefined) this.take(slot, holder);
    return slot;
  }

  /** Frees the slot if holder holds it (a free one stays free). */
  release(slot: number, holder: string): void {
    if (!this.#taken[slot] || this.#holders.get(slot) !== holder) return;
    this.#taken[slot] = 0;
    this.#holders.delete(slot);
    this.#count--;
  }

  /** From a random start in [from, to), the first free slot, wrapping round. */
  #scan(from: number, to: number): number | undefined {
    const width = to - from;
    if (width <= 0) return undefined;
    const start = Math.floor(Math.random() * width);
    for (let i = 0; i < width; i++) {
      const slot = from + ((start + i) % width);
      if (!this.#taken[slot]) return slot;
    }
    return undefined;
  }
}

/**
 * The static band's size: min(max(floor, size/step), ceiling), as upstream computes it
 * (addresses: 16, /16, 256; ports: 16, /32, 128). Ranges no bigger than the floor have none.
 */
export function staticBandSize(size: number, band: { floor: number; step: number; ceiling: number }): number {
  if (size <= band.floor) return 0;
  return Math.min(Math.max(band.floor, Math.floor(size / band.step)), band.ceiling);
}
