// The cluster CIDR cut into equal node subnets (a /16 into /24s), each free or used, as
// upstream's cidrset: allocation goes round the range from after the last one handed out,
// so a subnet just released is the last to be reused (stale routes to it die down first).
// IPv4 only for now.

import { parseCidr } from '../../api/groups/cluster/cidr.ts';

/** Upstream's limit: at most 2^16 subnets per cluster CIDR. */
const maxSubnetBits = 16;

export class CidrSet {
  readonly #network: bigint;
  readonly #clusterEnd: bigint;
  readonly #subnetHostBits: bigint;
  readonly #maskSize: number;
  readonly #used: Uint8Array;
  #next = 0;

  /** Throws for anything but an IPv4 CIDR and a mask size from its own to 16 bits longer (at most /30). */
  constructor(clusterCIDR: string, maskSize: number) {
    const cidr = parseCidr(clusterCIDR);
    if (!cidr || cidr.family !== 4) throw new Error(`cluster CIDR: not an IPv4 CIDR: ${clusterCIDR}`);
    if (!Number.isInteger(maskSize) || maskSize < cidr.prefix || maskSize > 30) {
      throw new Error(`node CIDR mask size ${maskSize}: must be from the cluster CIDR's /${cidr.prefix} to /30`);
    }
    if (maskSize - cidr.prefix > maxSubnetBits) throw new Error(`node CIDR mask size ${maskSize}: at most ${maxSubnetBits} bits longer than the cluster CIDR's /${cidr.prefix}`);
    this.#network = cidr.network;
    this.#clusterEnd = cidr.network + (1n << BigInt(32 - cidr.prefix)) - 1n;
    this.#subnetHostBits = BigInt(32 - maskSize);
    this.#maskSize = maskSize;
    this.#used = new Uint8Array(1 << (maskSize - cidr.prefix));
  }

  /** The next free subnet (marked used), or undefined when every one is used. */
  allocateNext(): string | undefined {
    const count = this.#used.length;
    for (let i = 0; i < count; i++) {
      const index = (this.#next + i) % count;
      if (this.#used[index]) continue;
      this.#used[index] = 1;
      this.#next = (index + 1) % count;
      return `${formatIPv4(this.#network + (BigInt(index) << this.#subnetHostBits))}/${this.#maskSize}`;
    }
    return undefined;
  }

  /** Marks every subnet `cidr` overlaps used; false (and nothing marked) if it lies outside the range. */
  occupy(cidr: string): boolean {
    const range = this.#indices(cidr);
    if (!range) return false;
    this.#used.fill(1, range[0], range[1] + 1);
    return true;
  }

  /** Marks every subnet `cidr` overlaps free; false if it lies outside the range. */
  release(cidr: string): boolean {
    const range = this.#indices(cidr);
    if (!range) return false;
    this.#used.fill(0, range[0], range[1] + 1);
    return true;
  }

  /** The first and last subnet indices `cidr` overlaps, if any. */
  #indices(text: string): [number, number] | undefined {
    const cidr = parseCidr(text);
    if (!cidr || cidr.family !== 4) return undefined;
    const start = cidr.network;
    const end = cidr.network + (1n << BigInt(32 - cidr.prefix)) - 1n;
    if (end < this.#network || start > this.#clusterEnd) return undefined;
    const first = start < this.#network ? 0n : (start - this.#network) >> this.#subnetHostBits;
    const last = end > this.#clusterEnd ? BigInt(this.#used.length - 1) : (end - this.#network) >> this.#subnetHostBits;
    return [Number(first), Number(last)];
  }
}

function formatIPv4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((n >> shift) & 255n)).join('.');
}
