// What the kubelet asks the runtime's cgroups for: per container its cpu request (as shares),
// cpu limit (CFS quota) and memory limit; per pod, as upstream's ResourceConfigForPod, the
// pod's effective requests and limits (the larger of the containers' sum and the largest init
// container, sidecars counted alongside both; plus the pod's overhead), a cpu or memory limit
// only when every container declares one.

import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../api/groups/core/quantity.ts';
import type { ResourceLimits } from '../../runtime/runtime.ts';

type Amounts = { cpuRequestMillis: number; cpuLimitMillis: number; memoryLimitBytes: number };

export function containerResources(c: Container): ResourceLimits {
  const { cpuRequestMillis, cpuLimitMillis, memoryLimitBytes } = amountsOf(c);
  return {
    cpuRequestMillis,
    ...(cpuLimitMillis > 0 ? { cpuLimitMillis } : {}),
    ...(memoryLimitBytes > 0 ? { memoryLimitBytes } : {}),
  };
}

export function podResources(pod: Pod): ResourceLimits {
  const spec = pod.spec;
  const all = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  const total = effectiveTotal(spec?.containers ?? [], spec?.initContainers ?? []);
  const overhead = spec?.overhead ?? {};
  total.cpuRequestMillis += millicores(overhead.cpu);
  total.cpuLimitMillis += millicores(overhead.cpu);
  total.memoryLimitBytes += bytes(overhead.memory);
  const declared = (resource: string) => all.length > 0 && all.every((c) => (parseQuantity(c.resources?.limits?.[resource]) ?? 0) > 0);
  return {
    cpuRequestMillis: total.cpuRequestMillis,
    ...(declared('cpu') ? { cpuLimitMillis: total.cpuLimitMillis } : {}),
    ...(declared('memory') ? { memoryLimitBytes: total.memoryLimitBytes } : {}),
  };
}

function amountsOf(c: Container): Amounts {
  const requests = c.resources?.requests ?? {};
  const limits = c.resources?.limits ?? {};
  // The API defaults a missing request to the limit; the same here for objects that skipped it.
  return { cpuRequestMillis: millicores(requests.cpu ?? limits.cpu), cpuLimitMillis: millicores(limits.cpu), memoryLimitBytes: bytes(limits.memory) };
}

/** Upstream's PodRequests/PodLimits shape: max(sum of containers and sidecars, each init container with the sidecars started before it). */
function effectiveTotal(containers: Container[], initContainers: Container[]): Amounts {
  const total = zero();
  for (const c of containers) add(total, amountsOf(c));
  const sidecars = zero();
  const initMax = zero();
  for (const c of initContainers) {
    const own = amountsOf(c);
    if (c.restartPolicy === 'Always') {
      add(total, own);
      add(sidecars, own);
      max(initMax, sidecars);
    } else {
      add(own, sidecars);
      max(initMax, own);
    }
  }
  max(total, initMax);
  return total;
}

const keys = ['cpuRequestMillis', 'cpuLimitMillis', 'memoryLimitBytes'] as const;

function zero(): Amounts {
  return { cpuRequestMillis: 0, cpuLimitMillis: 0, memoryLimitBytes: 0 };
}

function add(into: Amounts, a: Amounts): void {
  for (const k of keys) into[k] += a[k];
}

function max(into: Amounts, a: Amounts): void {
  for (const k of keys) into[k] = Math.max(into[k], a[k]);
}

function millicores(q: string | number | undefined): number {
  return roundUp((parseQuantity(q) ?? 0) * 1000);
}

function bytes(q: string | number | undefined): number {
  return roundUp(parseQuantity(q) ?? 0);
}

/** Rounds up as upstream's MilliValue/Value, after dropping binary noise (0.7 cpu is 700m, not 701m). */
function roundUp(x: number): number {
  return Math.ceil(Math.round(x * 1e6) / 1e6);
}
