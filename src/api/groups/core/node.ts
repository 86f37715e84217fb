// Node: a machine running pods. STATUS is the Ready condition (plus SchedulingDisabled when
// cordoned); ROLES come from node-role.kubernetes.io/<role> labels.

import type { FieldError } from '../../../apiserver/errors.ts';
import type { KindDeclaration } from '../../kind.ts';
import { duplicate, forbidden, invalidValue, validateCIDR } from '../../validation.ts';
import { ageColumn } from './format.ts';
import { validateQuantity } from './resources.ts';
import { validateTaints } from './scheduling.ts';

export const node: KindDeclaration = {
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  subresources: { status: true },
  statusOnCreate: true,
  columns: [
    { name: 'Status', type: 'string', description: 'The Ready condition, and SchedulingDisabled when cordoned.', cell: nodeStatus },
    { name: 'Roles', type: 'string', description: 'The roles of the node.', cell: (n) => nodeRoles(n.metadata?.labels).join(',') || '<none>' },
    ageColumn,
    { name: 'Version', type: 'string', description: 'Kubelet version reported by the node.', cell: (n) => n.status?.nodeInfo?.kubeletVersion ?? '' },
    { name: 'Internal-IP', type: 'string', priority: 1, description: 'The first InternalIP address.', cell: (n) => addressOf(n, 'InternalIP') },
    { name: 'External-IP', type: 'string', priority: 1, description: 'The first ExternalIP address.', cell: (n) => addressOf(n, 'ExternalIP') },
    { name: 'OS-Image', type: 'string', priority: 1, description: 'Operating system image reported by the node.', cell: (n) => n.status?.nodeInfo?.osImage || '<unknown>' },
    { name: 'Kernel-Version', type: 'string', priority: 1, description: 'Kernel version reported by the node.', cell: (n) => n.status?.nodeInfo?.kernelVersion || '<unknown>' },
    { name: 'Container-Runtime', type: 'string', priority: 1, description: 'Container runtime and version.', cell: (n) => n.status?.nodeInfo?.containerRuntimeVersion || '<unknown>' },
  ],
  fieldSelectors: { 'spec.unschedulable': (n) => String(n.spec?.unschedulable ?? false) },
  defaults: (n) => {
    const spec = (n.spec ??= {});
    // podCIDR is podCIDRs[0], kept in step as upstream's conversion does.
    if (spec.podCIDR && !spec.podCIDRs?.length) spec.podCIDRs = [spec.podCIDR];
    if (!spec.podCIDR && spec.podCIDRs?.length) spec.podCIDR = spec.podCIDRs[0];
    if (n.status?.capacity && !n.status.allocatable) n.status.allocatable = { ...n.status.capacity };
  },
  validate: (n, old) => [...validateNode(n), ...(old ? validateNodeUpdate(n, old) : [])],
};

function nodeStatus(n: any): string {
  const ready = (n.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (n.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` keys and a `kubernetes.io/role` value, sorted. */
export function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (key.startsWith('node-role.kubernetes.io/') && key.length > 'node-role.kubernetes.io/'.length) roles.add(key.slice('node-role.kubernetes.io/'.length));
    else if (key === 'kubernetes.io/role' && value) roles.add(value);
  }
  return [...roles].sort();
}

function addressOf(n: any, type: string): string {
  return (n.status?.addresses ?? []).find((a: any) => a.type === type)?.address ?? '<none>';
}

function validateNode(n: any): FieldError[] {
  // Upstream reports taints under metadata (its field path starts there).
  const errs = validateTaints(n.spec?.taints, 'metadata.taints');
  for (const list of ['capacity', 'allocatable']) {
    for (const [name, q] of Object.entries(n.status?.[list] ?? {})) errs.push(...validateQuantity(name, q, `status.${list}.${name}`).errors);
  }
  const cidrs: string[] = n.spec?.podCIDRs ?? [];
  cidrs.forEach((c, i) => errs.push(...validateCIDR(c, `spec.podCIDRs[${i}]`)));
  if (cidrs.length > 1) {
    const families = new Set(cidrs.map((c) => (c.includes(':') ? 6 : 4)));
    if (families.size !== cidrs.length || cidrs.length > 2) errs.push(invalidValue('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
    cidrs.forEach((c, i) => cidrs.indexOf(c) !== i && errs.push(duplicate(`spec.podCIDRs[${i}]`, c)));
  }
  return errs;
}

// podCIDRs and providerID may be set once; addresses must be unique.
function validateNodeUpdate(n: any, old: any): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (n.status?.addresses ?? []).forEach((a: any, i: number) => {
    const key = `${a.type}/${a.address}`;
    if (seen.has(key)) errs.push(duplicate(`status.addresses[${i}]`, a));
    seen.add(key);
  });
  const oldCIDRs: string[] = old.spec?.podCIDRs ?? [];
  const cidrs: string[] = n.spec?.podCIDRs ?? [];
  if (oldCIDRs.length > 0 && (oldCIDRs.length !== cidrs.length || oldCIDRs.some((c, i) => c !== cidrs[i]))) {
    errs.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  if (old.spec?.providerID && old.spec.providerID !== n.spec?.providerID) {
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}
