// core/v1 (the legacy group, served under /api/v1): one file per kind under core/.

import type { KindDeclaration } from '../kind.ts';
import { namespace } from './core/namespace.ts';
import { pod } from './core/pod.ts';
import { binding } from './core/binding.ts';
import { podTemplate } from './core/podTemplate.ts';
import { service } from './core/service.ts';
import { endpoints } from './core/endpoints.ts';
import { configMap } from './core/configMap.ts';
import { secret } from './core/secret.ts';
import { serviceAccount } from './core/serviceAccount.ts';
import { event } from './core/event.ts';
import { node } from './core/node.ts';
import { persistentVolume } from './core/persistentVolume.ts';
import { persistentVolumeClaim } from './core/persistentVolumeClaim.ts';
import { resourceQuota } from './core/resourceQuota.ts';
import { limitRange } from './core/limitRange.ts';

export const coreKinds: KindDeclaration[] = [
  namespace,
  pod,
  binding,
  podTemplate,
  service,
  endpoints,
  configMap,
  secret,
  serviceAccount,
  event,
  node,
  persistentVolume,
  persistentVolumeClaim,
  resourceQuota,
  limitRange,
];
