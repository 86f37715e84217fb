// A Service's addresses, as upstream's service registry allocates them around its store
// writes: a cluster IP for every type but ExternalName (none for headless `clusterIP: None`),
// node ports for NodePort and LoadBalancer ports, a health check node port for LoadBalancers
// with externalTrafficPolicy Local. Requested values must be in range and free (422 Invalid,
// worded as upstream). Updates take what a type change newly needs and, once stored, give
// back what it no longer does; deletes give everything back. At start the pools are rebuilt
// from the stored Services (upstream's repair loops), reporting what cannot be held.

import type { Allocation, PoolAllocator } from '../core.ts';
import type { KubeObject } from '../../api/kind.ts';
import { invalidValue } from '../../api/validation.ts';
import { internalError, invalid, type ApiError, type FieldError } from '../errors.ts';
import { AllocationError } from './bitmap.ts';
import { IpAllocator } from './ipAllocator.ts';
import { PortAllocator, type PortRange } from './portAllocator.ts';

export interface ServiceAllocatorOptions {
  /** The service CIDR (e.g. 10.43.0.0/16). */
  serviceCIDR: string;
  nodePorts: PortRange;
  /** Where repair problems found at start are reported (upstream records them as Events). */
  warn?: (message: string) => void;
}

export class ServiceAllocator implements PoolAllocator {
  readonly group = '';
  readonly plural = 'services';
  readonly ips: IpAllocator;
  readonly nodePorts: PortAllocator;
  readonly #warn: (message: string) => void;

  constructor(options: ServiceAllocatorOptions) {
    this.ips = new IpAllocator(options.serviceCIDR);
    this.nodePorts = new PortAllocator(options.nodePorts);
    this.#warn = options.warn ?? ((message) => console.warn(`skiff: ${message}`));
  }

  restore(services: KubeObject[]): void {
    // Of Services claiming the same value, the oldest keeps it.
    const oldestFirst = [...services].sort((x, y) => (x.metadata?.creationTimestamp ?? '').localeCompare(y.metadata?.creationTimestamp ?? ''));
    for (const svc of oldestFirst) {
      const spec = specOf(svc);
      const name = `${svc.metadata?.namespace}/${svc.metadata?.name}`;
      const holder = holderOf(svc);
      for (const ip of holdsClusterIPs(spec) ? clusterIPsOf(spec) : []) {
        if (!this.ips.contains(ip)) this.#warn(`service ${name}: cluster IP ${ip} is not within the service CIDR ${this.ips.cidr}; please recreate the service`);
        else if (this.ips.has(ip)) this.#warn(`service ${name}: cluster IP ${ip} was assigned to more than one service; please recreate the service`);
        else this.ips.allocate(ip, holder);
      }
      for (const port of nodePortsHeld(spec)) {
        if (!this.nodePorts.contains(port)) this.#warn(`service ${name}: node port ${port} is not within the port range ${this.nodePorts.range}; please recreate the service`);
        else if (this.nodePorts.has(port)) this.#warn(`service ${name}: node port ${port} was assigned to more than one service; please recreate the service`);
        else this.nodePorts.allocate(port, holder);
      }
    }
  }

  create(svc: KubeObject, dryRun: boolean): Allocation {
    const spec = specOf(svc);
    const txn = new Transaction(this, svc.metadata?.name ?? '', holderOf(svc), dryRun);
    try {
      this.#checkFamilies(spec, txn.name);
      if (spec.type !== 'ExternalName') txn.takeClusterIP(spec);
      if (allocatesNodePorts(spec.type)) txn.takeNodePorts(spec, []);
      if (needsHealthCheck(spec)) txn.takeHealthCheckNodePort(spec);
    } catch (err) {
      txn.revert();
      throw err;
    }
    return txn;
  }

  update(next: KubeObject, current: KubeObject, dryRun: boolean): Allocation {
    const spec = specOf(next);
    const was = specOf(current);
    const txn = new Transaction(this, next.metadata?.name ?? '', holderOf(current), dryRun);
    try {
      this.#checkFamilies(spec, txn.name);
      const hadIP = holdsClusterIPs(was) && clusterIPsOf(was).length > 0;
      if (spec.type === 'ExternalName') {
        if (hadIP) txn.releaseOnCommit(clusterIPsOf(was), []);
      } else if (!hadIP && !isHeadless(was)) {
        // From ExternalName (or stored before skiff allocated addresses): a new cluster IP.
        txn.takeClusterIP(spec);
      }
      if (allocatesNodePorts(spec.type)) txn.takeNodePorts(spec, nodePortsOf(was));
      else if (allocatesNodePorts(was.type)) txn.releaseOnCommit([], nodePortsOf(was));
      if (needsHealthCheck(spec) && !needsHealthCheck(was)) txn.takeHealthCheckNodePort(spec);
      else if (!needsHealthCheck(spec) && needsHealthCheck(was) && was.healthCheckNodePort) txn.releaseOnCommit([], [was.healthCheckNodePort]);
    } catch (err) {
      txn.revert();
      throw err;
    }
    return txn;
  }

  release(svc: KubeObject): void {
    const spec = specOf(svc);
    const holder = holderOf(svc);
    if (holdsClusterIPs(spec)) for (const ip of clusterIPsOf(spec)) this.ips.release(ip, holder);
    for (const port of nodePortsHeld(spec)) this.nodePorts.release(port, holder);
  }

  /**
   * The families a Service asks for must be this cluster's (single-stack IPv4): upstream's
   * initIPFamilyFields errors. Headless Services without a selector may name any family.
   */
  #checkFamilies(spec: any, name: string): void {
    if (spec.type === 'ExternalName' || (isHeadless(spec) && isSelectorless(spec))) return;
    const errors: FieldError[] = [];
    // Families the Service names are checked below; IPs beyond them would add a family.
    clusterIPsOf(spec).forEach((ip, i) => {
      if (i >= (spec.ipFamilies?.length ?? 0) && ip !== 'None' && !ip.includes('.')) errors.push(invalidValue(`spec.clusterIPs[${i}]`, spec.clusterIPs, 'IPv6 is not configured on this cluster'));
    });
    if (spec.ipFamilyPolicy === 'RequireDualStack') errors.push(invalidValue('spec.ipFamilyPolicy', spec.ipFamilyPolicy, 'this cluster is not configured for dual-stack services'));
    (spec.ipFamilies ?? []).forEach((family: string, i: number) => {
      if (family !== this.ips.family) errors.push(invalidValue(`spec.ipFamilies[${i}]`, family, 'not configured on this cluster'));
    });
    if (errors.length > 0) throw invalid('Service', '', name, errors);
  }
}

/**
 * One write's allocations: what it took (given back on revert) and what it gave up (released
 * on commit, so a failed write never loses what the stored object still holds). A dry run
 * takes nothing: requested values are only checked, and new ones are placeholders, as
 * upstream answers (the network address, node ports from 32769).
 */
class Transaction implements Allocation {
  readonly name: string;
  /** The Service's uid: what it takes is held in its name, so only it can give it back. */
  readonly #holder: string;
  readonly #pools: ServiceAllocator;
  readonly #dryRun: boolean;
  readonly #taken = { ips: [] as string[], ports: [] as number[] };
  readonly #released = { ips: [] as string[], ports: [] as number[] };
  #done = false;
  #placeholderPort = 32768;

  constructor(pools: ServiceAllocator, name: string, holder: string, dryRun: boolean) {
    this.#pools = pools;
    this.name = name;
    this.#holder = holder;
    this.#dryRun = dryRun;
  }

  commit(): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#dryRun) return;
    for (const ip of this.#released.ips) this.#pools.ips.release(ip, this.#holder);
    for (const port of this.#released.ports) this.#pools.nodePorts.release(port, this.#holder);
  }

  revert(): void {
    if (this.#done) return;
    this.#done = true;
    for (const ip of this.#taken.ips) this.#pools.ips.release(ip, this.#holder);
    for (const port of this.#taken.ports) this.#pools.nodePorts.release(port, this.#holder);
  }

  releaseOnCommit(ips: string[], ports: number[]): void {
    this.#released.ips.push(...ips);
    this.#released.ports.push(...ports);
  }

  /** The Service's cluster IP: the requested one, or a free one; none for a headless Service. */
  takeClusterIP(spec: any): void {
    if (isHeadless(spec)) return;
    const requested: string | undefined = spec.clusterIPs?.[0] || spec.clusterIP || undefined;
    const ips = this.#pools.ips;
    let ip: string;
    if (requested) {
      try {
        if (this.#dryRun) ips.check(requested);
        else ips.allocate(requested, this.#holder);
      } catch (err) {
        if (!(err instanceof AllocationError)) throw err;
        throw invalid('Service', '', this.name, [invalidValue('spec.clusterIPs', spec.clusterIPs ?? [requested], `failed to allocate IP ${requested}: ${err.message}`)]);
      }
      ip = requested;
    } else {
      ip = this.#dryRun ? ips.networkAddress : this.#next(() => ips.allocateNext(this.#holder), 'failed to allocate a serviceIP');
    }
    if (!this.#dryRun) this.#taken.ips.push(ip);
    spec.clusterIP = ip;
    spec.clusterIPs = [ip, ...(spec.clusterIPs ?? []).slice(1)];
  }

  /**
   * Node ports for every port (only requested ones for a LoadBalancer that allocates none).
   * Ports sharing a port number (TCP and UDP 53) share a node port, as upstream. Node ports
   * the Service held before (`held`) stay held; those it no longer lists are released on commit.
   */
  takeNodePorts(spec: any, held: number[]): void {
    const ports: any[] = spec.ports ?? [];
    const allocateAll = spec.type === 'NodePort' || spec.allocateLoadBalancerNodePorts !== false;
    const byPortNumber = new Map<number, number>();
    const keep = new Set<number>();
    ports.forEach((p, i) => {
      if (!p.nodePort && !allocateAll) return;
      const shared = byPortNumber.get(p.port);
      const wanted: number = p.nodePort || (shared === undefined ? ports.find((o) => o.port === p.port && o.nodePort)?.nodePort : shared) || 0;
      if (wanted && (held.includes(wanted) || keep.has(wanted))) {
        p.nodePort = wanted;
      } else if (wanted) {
        this.#takePort(wanted, (reason) => invalid('Service', '', this.name, [invalidValue(`spec.ports[${i}].nodePort`, wanted, reason)]));
        p.nodePort = wanted;
      } else {
        p.nodePort = this.#nextPort('failed to allocate a nodePort');
      }
      keep.add(p.nodePort);
      if (shared === undefined) byPortNumber.set(p.port, p.nodePort);
    });
    this.releaseOnCommit([], held.filter((port) => !keep.has(port)));
  }

  takeHealthCheckNodePort(spec: any): void {
    const requested: number | undefined = spec.healthCheckNodePort || undefined;
    if (!requested) {
      spec.healthCheckNodePort = this.#nextPort('failed to allocate a HealthCheck NodePort 0');
      return;
    }
    // Upstream answers a requested health check port it cannot take with a 500, not a 422.
    this.#takePort(requested, (reason) => internalError(new Error(`failed to allocate requested HealthCheck NodePort ${requested}: ${reason}`)));
  }

  #takePort(port: number, failure: (reason: string) => ApiError): void {
    const nodePorts = this.#pools.nodePorts;
    try {
      if (this.#dryRun) nodePorts.check(port);
      else nodePorts.allocate(port, this.#holder);
    } catch (err) {
      if (!(err instanceof AllocationError)) throw err;
      throw failure(err.message);
    }
    if (!this.#dryRun) this.#taken.ports.push(port);
  }

  #nextPort(failure: string): number {
    if (this.#dryRun) return ++this.#placeholderPort;
    const port = this.#next(() => this.#pools.nodePorts.allocateNext(this.#holder), failure);
    this.#taken.ports.push(port);
    return port;
  }

  /** A free value, or the 500 upstream answers with when the pool is exhausted. */
  #next<T>(allocate: () => T, failure: string): T {
    try {
      return allocate();
    } catch (err) {
      if (!(err instanceof AllocationError)) throw err;
      throw internalError(new Error(`${failure}: ${err.message}`));
    }
  }
}

const specOf = (svc: KubeObject): any => ((svc as any).spec ??= {});
const holderOf = (svc: KubeObject) => svc.metadata?.uid ?? `${svc.metadata?.namespace}/${svc.metadata?.name}`;
const isHeadless = (spec: any) => spec.clusterIP === 'None' || spec.clusterIPs?.[0] === 'None';
const isSelectorless = (spec: any) => !spec.selector || Object.keys(spec.selector).length === 0;
const allocatesNodePorts = (type: string | undefined) => type === 'NodePort' || type === 'LoadBalancer';
const needsHealthCheck = (spec: any) => spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
const holdsClusterIPs = (spec: any) => spec.type !== 'ExternalName' && !isHeadless(spec);

function clusterIPsOf(spec: any): string[] {
  if (spec.clusterIPs?.length) return spec.clusterIPs;
  return spec.clusterIP ? [spec.clusterIP] : [];
}

function nodePortsOf(spec: any): number[] {
  return [...new Set<number>((spec.ports ?? []).map((p: any) => p.nodePort).filter(Boolean))];
}

/** Every node port a stored Service holds: its ports' and its health check's. */
function nodePortsHeld(spec: any): number[] {
  const ports = nodePortsOf(spec);
  if (needsHealthCheck(spec) && spec.healthCheckNodePort && !ports.includes(spec.healthCheckNodePort)) ports.push(spec.healthCheckNodePort);
  return ports;
}
