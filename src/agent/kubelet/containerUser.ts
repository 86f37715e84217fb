// Who a container runs as: runAsUser and runAsGroup from the container's securityContext,
// else the pod's; supplementalGroups and fsGroup as extra groups. What is not given is the
// "image's" user, which for the process runtime is the user the agent runs as; a uid given
// without a gid takes its primary group from the host's /etc/passwd (0 when it has none), as
// runtimes do from the image's. runAsNonRoot is checked here, as upstream's kubelet does,
// with its messages (a CreateContainerConfigError).

import { readFileSync } from 'node:fs';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerConfig } from '../../runtime/runtime.ts';
import { ConfigError } from './downward.ts';

export interface RuntimeUser {
  uid: number;
  gid: number;
  /** Primary group of a uid on this host, if it has an entry. */
  primaryGroup(uid: number): number | undefined;
}

/** The agent's own user: what containers run as unless told otherwise. */
export const agentUser: RuntimeUser = {
  uid: process.getuid?.() ?? 0,
  gid: process.getgid?.() ?? 0,
  primaryGroup: (uid) => passwdGroups().get(uid),
};

/** The user to switch to, or undefined to run as the runtime's own; throws ConfigError when runAsNonRoot is broken. */
export function containerUser(pod: Pod, c: Container, runtimeUser: RuntimeUser = agentUser): ContainerConfig['user'] {
  const own = c.securityContext;
  const podLevel = pod.spec?.securityContext;
  const runAsUser = own?.runAsUser ?? podLevel?.runAsUser;
  const runAsGroup = own?.runAsGroup ?? podLevel?.runAsGroup;
  if (own?.runAsNonRoot ?? podLevel?.runAsNonRoot) {
    const where = `(pod: "${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})", container: ${c.name})`;
    if (runAsUser === 0) throw new ConfigError(`container's runAsUser breaks non-root policy ${where}`);
    if (runAsUser === undefined && runtimeUser.uid === 0) throw new ConfigError(`container has runAsNonRoot and image will run as root ${where}`);
  }
  const groups = [...new Set([...(podLevel?.supplementalGroups ?? []), ...(podLevel?.fsGroup !== undefined ? [podLevel.fsGroup] : [])])];
  if (runAsUser === undefined && runAsGroup === undefined && groups.length === 0) return undefined;
  const uid = runAsUser ?? runtimeUser.uid;
  const gid = runAsGroup ?? (runAsUser === undefined ? runtimeUser.gid : (runtimeUser.primaryGroup(uid) ?? 0));
  return { uid, gid, ...(groups.length > 0 ? { supplementalGroups: groups } : {}) };
}

let passwd: Map<number, number> | undefined;

/** uid -> primary gid from /etc/passwd (read once). */
function passwdGroups(): Map<number, number> {
  if (passwd) return passwd;
  passwd = new Map();
  let text = '';
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch {
    // No passwd file: every uid has group 0.
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length >= 4 && /^\d+$/.test(fields[2]!) && /^\d+$/.test(fields[3]!)) passwd.set(Number(fields[2]), Number(fields[3]));
  }
  return passwd;
}
