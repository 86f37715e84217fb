// The service proxy: with 1,000 Services of 3 endpoints each (objects made in-process), how long
// the ruleset takes to render and, as root, how long an EndpointSlice change takes to be in the
// kernel (through the proxy's informer handlers, coalescing and one nft transaction).
// Everything made is removed at the end. (Requests through a ClusterIP: bench/services.ts.)

import { types } from '../src/client/resourceTypes.ts';
import { renderRuleset } from '../src/network/proxy/nftRuleset.ts';
import { servicePortsOf } from '../src/network/proxy/servicePorts.ts';
import { startServiceProxy } from '../src/network/proxy/serviceProxy.ts';
import { createMemoryInformers } from '../src/client/testing/memoryInformers.ts';
import { service, slice } from '../src/network/proxy/testing/serviceObjects.ts';
import { ensureNodeNetwork, removeNodeNetwork, type NodeNetwork } from '../src/runtime/process/podNetwork.ts';

const isRoot = process.getuid?.() === 0 && process.platform === 'linux';
const serviceCount = 1000;
const serviceCIDR = '10.43.248.0/22';
const network: NodeNetwork = { bridge: `skb${process.pid % 10000}`, podCIDR: '10.42.251.0/24', rejectCIDRs: ['10.42.251.0/24', serviceCIDR] };

export async function benchProxy(): Promise<void> {
  const services = Array.from({ length: serviceCount }, (_, i) => service(`svc-${i}`, clusterIPOf(i)));
  const slices = services.map((s, i) => slice(s.metadata!.name!, [0, 1, 2].map((k) => ({ ip: `10.42.${252 + k}.${(i % 250) + 2}`, node: k === 0 ? 'self' : 'other' }))));
  const renders: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    renderRuleset(servicePortsOf(services, slices, { name: 'self' }), { table: 'bench', bridge: network.bridge, serviceCIDR, masqueradeBridged: false });
    renders.push(performance.now() - started);
  }
  line(`render ${serviceCount} Services (3,000 endpoints)`, percentiles(renders));
  if (!isRoot) {
    line('applying to nftables', 'skipped (needs root)');
    return;
  }
  await ensureNodeNetwork(network);
  const informers = createMemoryInformers();
  for (const s of services) informers.put(types.services, s);
  for (const s of slices) informers.put(types.endpointSlices, s);
  const proxy = startServiceProxy({ informers, nodeName: 'self', signal: new AbortController().signal, network, serviceCIDR });
  try {
    let started = performance.now();
    await proxy.synced();
    line('first sync, 1,000 Services into nftables', `${(performance.now() - started).toFixed(0)} ms`);
    const changes: number[] = [];
    for (let i = 0; i < 30; i++) {
      const changed = slice(`svc-${i}`, [{ ip: `10.42.252.${i + 2}` }]);
      // Past the proxy's minimum interval between syncs, so this is a change's own latency.
      await new Promise((resolve) => setTimeout(resolve, 150));
      started = performance.now();
      informers.put(types.endpointSlices, changed);
      await proxy.synced();
      changes.push(performance.now() - started);
    }
    line('EndpointSlice change to rules applied', percentiles(changes));
    started = performance.now();
    for (let i = 0; i < 200; i++) informers.put(types.endpointSlices, slice(`svc-${i}`, [{ ip: `10.42.253.${(i % 250) + 2}` }]));
    await proxy.synced();
    line('200 changes in a burst, all applied', `${(performance.now() - started).toFixed(0)} ms`);
  } finally {
    await proxy.stop();
    await removeNodeNetwork(network);
  }
}

function clusterIPOf(i: number): string {
  return `10.43.${248 + Math.floor(i / 250)}.${(i % 250) + 1}`;
}

function percentiles(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
  return `p50 ${p(0.5)} ms  p99 ${p(0.99)} ms`;
}

function line(what: string, figure: string): void {
  console.log(`${what.padEnd(44)} ${figure}`);
}
