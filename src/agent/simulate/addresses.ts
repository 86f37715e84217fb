// Fake addresses for simulated nodes and pods. They are only strings in status: no traffic
// ever goes to them. Each simulator takes a network from a hash of its node name prefix, so
// several simulators in one cluster (different prefixes) rarely share addresses: node
// InternalIPs come from the loopback range (127.<1+n>.x.y: nothing listens there for a node)
// and pod IPs from 10.<128+n>.0.0/16 unless the caller picks a CIDR.

import { formatIPv4, ipv4Value } from '../../network/ipv4.ts';

/** The simulator's network number, 0..127, from its name prefix (FNV-1a). */
export function networkOf(namePrefix: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < namePrefix.length; i++) {
    hash ^= namePrefix.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % 128;
}

/** The InternalIP of the simulator's index-th node. */
export function nodeAddress(network: number, index: number): string {
  if (index < 0 || index >= 65535) throw new RangeError(`node index ${index} out of range`);
  return formatIPv4((127 << 24) + ((1 + network) << 16) + index + 1);
}

export function defaultPodCIDR(network: number): string {
  return `10.${128 + network}.0.0/16`;
}

/** Addresses of an IPv4 CIDR handed out one at a time (lowest free after the last one), reusable once released. */
export class AddressPool {
  readonly #first: number;
  readonly #size: number;
  readonly #used = new Set<number>();
  #cursor = 0;

  constructor(cidr: string) {
    const match = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
    const bits = match ? Number(match[2]) : NaN;
    const base = match ? ipv4Value(match[1]) : undefined;
    if (base === undefined || !(bits >= 8 && bits <= 30)) throw new Error(`not an IPv4 CIDR of /8 to /30: ${cidr}`);
    const mask = (0xffffffff << (32 - bits)) >>> 0;
    // Skip the network and broadcast addresses.
    this.#first = ((base & mask) >>> 0) + 1;
    this.#size = 2 ** (32 - bits) - 2;
  }

  allocate(): string {
    for (let tried = 0; tried < this.#size; tried++) {
      const offset = this.#cursor;
      this.#cursor = (this.#cursor + 1) % this.#size;
      if (this.#used.has(offset)) continue;
      this.#used.add(offset);
      return formatIPv4(this.#first + offset);
    }
    throw new Error('simulated pod network exhausted');
  }

  /** Marks an address already in use (a pod found running after a restart); false if it is not ours. */
  reserve(ip: string): boolean {
    const offset = this.#offsetOf(ip);
    if (offset === undefined) return false;
    this.#used.add(offset);
    return true;
  }

  release(ip: string): void {
    const offset = this.#offsetOf(ip);
    if (offset !== undefined) this.#used.delete(offset);
  }

  get inUse(): number {
    return this.#used.size;
  }

  #offsetOf(ip: string): number | undefined {
    const n = ipv4Value(ip);
    if (n === undefined) return undefined;
    const offset = n - this.#first;
    return offset >= 0 && offset < this.#size ? offset : undefined;
  }
}
