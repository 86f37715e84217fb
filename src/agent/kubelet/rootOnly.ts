// What a pod asks for that only a node running as root can give: without root the process
// runtime has no cgroups (cpu and memory limits), cannot switch users (runAsUser, runAsGroup,
// supplementalGroups, fsGroup) and grants no privileges (privileged). The pod still runs;
// the kubelet says once, in a Warning event, what is not enforced. (Memory-medium emptyDirs
// have their own event, MemoryMediumUnavailable, from volumes.ts; hostNetwork needs nothing:
// without root every pod is a process in the host's network namespace.)

import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../api/groups/core/quantity.ts';

export const ignoredWithoutRootReason = 'IgnoredWithoutRoot';

/** The Warning's message, or undefined when the pod asks for nothing that needs root. */
export function ignoredWithoutRoot(pod: Pod): string | undefined {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const podLevel = pod.spec?.securityContext;
  const where = (podAsks: boolean, asks: (c: Container) => boolean) => [...(podAsks ? ['pod'] : []), ...containers.filter(asks).map((c) => c.name)];
  const ignored: [string, string[]][] = [
    ['cpu limit', where(false, (c) => (parseQuantity(c.resources?.limits?.cpu) ?? 0) > 0)],
    ['memory limit', where(false, (c) => (parseQuantity(c.resources?.limits?.memory) ?? 0) > 0)],
    ['runAsUser', where(podLevel?.runAsUser !== undefined, (c) => c.securityContext?.runAsUser !== undefined)],
    ['runAsGroup', where(podLevel?.runAsGroup !== undefined, (c) => c.securityContext?.runAsGroup !== undefined)],
    ['supplementalGroups', where((podLevel?.supplementalGroups ?? []).length > 0, () => false)],
    ['fsGroup', where(podLevel?.fsGroup !== undefined, () => false)],
    ['privileged', where(false, (c) => c.securityContext?.privileged === true)],
  ];
  const named = ignored.filter(([, at]) => at.length > 0).map(([what, at]) => `${what} (${at.join(', ')})`);
  return named.length > 0 ? `The node runs without root, so it ignores: ${named.join(', ')}` : undefined;
}
