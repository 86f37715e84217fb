// What the runtime says about one pod, grouped the way the kubelet reasons: per container
// name, the newest attempt and the one before it (for lastState and restarts).

import type { ContainerStatus, SandboxStatus } from '../../runtime/runtime.ts';

export interface ContainerHistory {
  latest: ContainerStatus;
  previous?: ContainerStatus;
  /** Older attempts, to remove. */
  older: ContainerStatus[];
}

export interface RuntimeView {
  sandbox?: SandboxStatus;
  containers: Map<string, ContainerHistory>;
}

export function viewOf(sandbox: SandboxStatus | undefined, containers: ContainerStatus[]): RuntimeView {
  const byName = new Map<string, ContainerStatus[]>();
  for (const c of containers) {
    const list = byName.get(c.name) ?? [];
    list.push(c);
    byName.set(c.name, list);
  }
  const view: RuntimeView = { sandbox, containers: new Map() };
  for (const [name, list] of byName) {
    list.sort((a, b) => b.attempt - a.attempt || (b.createdAt < a.createdAt ? -1 : 1));
    view.containers.set(name, { latest: list[0], previous: list[1], older: list.slice(2) });
  }
  return view;
}

export const isRunning = (c: ContainerStatus | undefined) => c?.state === 'running' || c?.state === 'created';
export const hasExited = (c: ContainerStatus | undefined) => c?.state === 'exited' || c?.state === 'unknown';
export const succeeded = (c: ContainerStatus | undefined) => c?.state === 'exited' && c.exitCode === 0;
