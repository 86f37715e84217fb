// Cluster IPs from the service CIDR, as upstream's bitmap IP allocator: every address but the
// network and broadcast addresses, picked at random (upper band first, see bitmap.ts), or
// taken as requested. IPv4 only: skiff's clusters are single-stack IPv4.

import { parseCidr } from '../../api/groups/cluster/cidr.ts';
import { AllocationBitmap, AllocationError, rangeFull, staticBandSize } from './bitmap.ts';
import { formatIPv4, ipv4Value } from '../../network/ipv4.ts';

/** Upstream's limit on --service-cluster-ip-range: at most 20 host bits. */
const maxHostBits = 20;

export class IpAllocator {
  readonly cidr: string;
  readonly family = 'IPv4';
  /** The network address: the first address of the range, which is never allocated. */
  readonly #network: number;
  readonly #bitmap: AllocationBitmap;

  /** Throws for anything but an IPv4 CIDR from /12 to /30. */
  constructor(cidr: string) {
    const parsed = parseCidr(cidr);
    if (!parsed || parsed.family !== 4) throw new Error(`service CIDR: not an IPv4 CIDR: ${cidr}`);
    const hostBits = 32 - parsed.prefix;
    if (hostBits > maxHostBits) throw new Error(`service CIDR ${cidr} is too large: the mask must be /${32 - maxHostBits} or longer`);
    if (hostBits < 2) throw new Error(`service CIDR ${cidr} is too small: it must hold at least two addresses`);
    this.#network = Number(parsed.network);
    this.cidr = `${formatIPv4(this.#network)}/${parsed.prefix}`;
    const total = 2 ** hostBits;
    this.#bitmap = new AllocationBitmap(total - 2, staticBandSize(total, { floor: 16, step: 16, ceiling: 256 }));
  }

  /** The range's n-th address (1: the first allocatable one, the `kubernetes` Service's). */
  address(n: number): string {
    return formatIPv4(this.#network + n);
  }

  /** The network address, what upstream answers a dry-run allocation with. */
  get networkAddress(): string {
    return formatIPv4(this.#network);
  }

  get used(): number {
    return this.#bitmap.used;
  }

  contains(ip: string): boolean {
    return this.#slot(ip) !== undefined;
  }

  has(ip: string): boolean {
    const slot = this.#slot(ip);
    return slot !== undefined && this.#bitmap.has(slot);
  }

  /** Takes ip for holder, or throws an AllocationError worded as upstream's (not in range, already allocated). */
  allocate(ip: string, holder: string): void {
    this.check(ip);
    this.#bitmap.take(this.#slot(ip)!, holder);
  }

  /** Throws what allocate(ip) would, without taking it. */
  check(ip: string): void {
    const slot = this.#slot(ip);
    if (slot === undefined) throw new AllocationError(`the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr}`);
    if (this.#bitmap.has(slot)) throw new AllocationError('provided IP is already allocated');
  }

  /** Takes a free address for holder; throws when the range is full. */
  allocateNext(holder: string): string {
    const slot = this.#bitmap.takeNext(holder);
    if (slot === undefined) throw new AllocationError(rangeFull);
    return formatIPv4(this.#network + 1 + slot);
  }

  /** Gives ip back if holder holds it; one outside the range, free, or held by another is ignored. */
  release(ip: string, holder: string): void {
    const slot = this.#slot(ip);
    if (slot !== undefined) this.#bitmap.release(slot, holder);
  }

  #slot(ip: string): number | undefined {
    const value = ipv4Value(ip);
    if (value === undefined) return undefined;
    const slot = value - this.#network - 1;
    return slot >= 0 && slot < this.#bitmap.size ? slot : undefined;
  }
}
