// Services and EndpointSlices as the API would hold them, for the proxy's tests and benchmark.

import type { EndpointSlice, Service } from '../../../api/objects.ts';
import type { ServiceSpec } from 'kubernetes-types/core/v1.js';

export interface EndpointFixture {
  ip: string;
  node?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export function service(name: string, clusterIP: string, spec: Partial<ServiceSpec> = {}, namespace = 'default'): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, uid: `uid-${namespace}-${name}` },
    spec: {
      type: 'ClusterIP',
      clusterIP,
      clusterIPs: [clusterIP],
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ...spec,
    },
  };
}

/** One slice of a service's endpoints, all on `port` (named like the service's port). */
export function slice(serviceName: string, endpoints: EndpointFixture[], options: { port?: number; portName?: string; name?: string; namespace?: string } = {}): EndpointSlice {
  const namespace = options.namespace ?? 'default';
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: options.name ?? `${serviceName}-abc`, namespace, labels: { 'kubernetes.io/service-name': serviceName } },
    addressType: 'IPv4',
    ports: [{ name: options.portName ?? 'http', port: options.port ?? 8080, protocol: 'TCP' }],
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      nodeName: e.node ?? 'self',
      conditions: {
        ready: e.ready ?? true,
        serving: e.serving ?? e.ready ?? true,
        terminating: e.terminating ?? false,
      },
    })),
  };
}
