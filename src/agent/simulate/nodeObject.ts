// What a simulated node says about itself: the Node it registers, the status a kubelet
// posts (conditions, capacity, addresses, nodeInfo) and its heartbeat Lease, as kubelet
// v1.32 writes them.

import { createHash } from 'node:crypto';
import type { NodeCondition, NodeStatus, Taint } from 'kubernetes-types/core/v1.js';
import type { Lease, Node } from '../../api/objects.ts';

export interface SimulatedNode {
  name: string;
  /** The fake InternalIP. */
  address: string;
  capacity: Record<string, string>;
  labels: Record<string, string>;
  taints: Taint[];
  /**
   * The range its pods' IPs come from, set at registration (kwok's way), so the server's
   * allocator, whose cluster CIDR has room for 256 nodes, leaves thousands of them alone.
   */
  podCIDR?: string;
}

/** Which of the kubelet's pressure conditions hold (a simulated node never has any). */
export interface NodePressure {
  memory: boolean;
  disk: boolean;
  pid: boolean;
}

export const noPressure: NodePressure = { memory: false, disk: false, pid: false };

export const kubeletVersion = 'v1.32.0-skiff';
export const containerRuntimeVersion = 'skiff-sim://0.1';
export const nodeLeaseNamespace = 'kube-node-lease';
/** As the kubelet's: the lease lasts 40 s and is renewed every quarter of that. */
export const defaultLeaseDurationSeconds = 40;

export const defaultCapacity: Record<string, string> = {
  cpu: '8',
  memory: '32Gi',
  pods: '110',
  'ephemeral-storage': '100Gi',
  'hugepages-1Gi': '0',
  'hugepages-2Mi': '0',
};

/** The Node as registered (status is posted separately: create drops it). */
export function nodeObject(node: SimulatedNode): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'simulated',
        ...node.labels,
      },
      annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: {
      ...(node.podCIDR ? { podCIDR: node.podCIDR, podCIDRs: [node.podCIDR] } : {}),
      ...(node.taints.length > 0 ? { taints: node.taints } : {}),
    },
  };
}

/**
 * The status the kubelet posts: conditions healthy but for the pressure given (a condition
 * keeps its lastTransitionTime while its status stays the same), every heartbeat time now.
 */
export function nodeStatus(node: SimulatedNode, current: NodeStatus | undefined, now: Date, pressure: NodePressure = noPressure): NodeStatus {
  const time = rfc3339(now);
  const conditions = expectedConditions(pressure).map((c): NodeCondition => {
    const was = current?.conditions?.find((old) => old.type === c.type);
    return { ...c, lastHeartbeatTime: time, lastTransitionTime: was?.status === c.status ? was.lastTransitionTime : time };
  });
  const id = createHash('sha256').update(node.name).digest('hex');
  return {
    conditions,
    addresses: [
      { type: 'InternalIP', address: node.address },
      { type: 'Hostname', address: node.name },
    ],
    capacity: node.capacity,
    allocatable: node.capacity,
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: id.slice(0, 32),
      systemUUID: uuidOf(id.slice(0, 32)),
      bootID: uuidOf(id.slice(32)),
      kernelVersion: '6.8.0-skiff-sim',
      osImage: 'Skiff Simulated Node',
      containerRuntimeVersion,
      kubeletVersion,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

/**
 * Whether the posted conditions differ from what the node would post (ignoring heartbeat
 * times): someone else wrote them, e.g. the node controller marked the node Unknown, or the
 * node's pressure changed.
 */
export function conditionsOutdated(posted: NodeStatus | undefined, pressure: NodePressure = noPressure): boolean {
  return expectedConditions(pressure).some((c) => {
    const p = posted?.conditions?.find((old) => old.type === c.type);
    return !p || p.status !== c.status || p.reason !== c.reason;
  });
}

/** The heartbeat Lease in kube-node-lease, owned by its Node as the kubelet's is. */
export function leaseObject(nodeName: string, nodeUid: string | undefined, leaseDurationSeconds: number, now: Date): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: nodeName,
      namespace: nodeLeaseNamespace,
      ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }] } : {}),
    },
    spec: { holderIdentity: nodeName, leaseDurationSeconds, renewTime: microTime(now) },
  };
}

/** metav1.Time: seconds precision. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** metav1.MicroTime: microseconds. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d+)Z$/, (_, ms: string) => `.${ms.padEnd(6, '0')}Z`);
}

type Condition = Omit<NodeCondition, 'lastHeartbeatTime' | 'lastTransitionTime'>;

/** The conditions as the kubelet's setters word them. */
function expectedConditions(pressure: NodePressure): Condition[] {
  return [
    // Set by the network plugin on a real node; simulated networks are always up.
    { type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated', message: 'RouteController created a route' },
    pressure.memory
      ? { type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' }
      : { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    pressure.disk
      ? { type: 'DiskPressure', status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' }
      : { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    pressure.pid
      ? { type: 'PIDPressure', status: 'True', reason: 'KubeletHasInsufficientPID', message: 'kubelet has insufficient PID available' }
      : { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
  ];
}

function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
