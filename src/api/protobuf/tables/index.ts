// Every group version skiff decodes protobuf bodies for, and all their messages by name.

import type { GroupVersionTable, Message } from '../table.ts';
import { appsV1 } from './apps.ts';
import { authenticationV1 } from './authentication.ts';
import { authorizationV1 } from './authorization.ts';
import { autoscalingV1, autoscalingV2 } from './autoscaling.ts';
import { batchV1 } from './batch.ts';
import { certificatesV1 } from './certificates.ts';
import { coreV1 } from './core.ts';
import { metaV1 } from './meta.ts';
import { networkingV1 } from './networking.ts';
import { policyV1 } from './policy.ts';
import { rbacV1 } from './rbac.ts';
import { schedulingV1 } from './scheduling.ts';

export const groupVersions: readonly GroupVersionTable[] = [
  metaV1,
  coreV1,
  appsV1,
  batchV1,
  autoscalingV1,
  autoscalingV2,
  rbacV1,
  schedulingV1,
  policyV1,
  networkingV1,
  authenticationV1,
  authorizationV1,
  certificatesV1,
];

export const messages: Readonly<Record<string, Message>> = Object.assign({}, ...groupVersions.map((gv) => gv.messages));
