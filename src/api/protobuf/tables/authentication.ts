// Protobuf wire facts of authentication/v1 at Kubernetes v1.32: field numbers and kinds from
// k8s.io/api generated.proto; JSON names, omitempty and inline from the Go types.
// Derived mechanically from those sources; the format is described in ../table.ts.

import type { GroupVersionTable } from '../table.ts';

export const authenticationV1: GroupVersionTable = {
  apiVersion: 'authentication.k8s.io/v1',
  prefix: 'authentication/v1',
  kinds: ['SelfSubjectReview', 'TokenRequest', 'TokenReview'],
  messages: {
    'authentication/v1.BoundObjectReference': {
      1: ['kind', 'string', 'omitempty'],
      2: ['apiVersion', 'string', 'omitempty'],
      3: ['name', 'string', 'omitempty'],
      4: ['uid', 'string', 'omitempty'],
    },
    'authentication/v1.ExtraValue': {
      1: ['items', 'string', 'repeated'],
    },
    'authentication/v1.SelfSubjectReview': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['status', 'message:authentication/v1.SelfSubjectReviewStatus'],
    },
    'authentication/v1.SelfSubjectReviewStatus': {
      1: ['userInfo', 'message:authentication/v1.UserInfo'],
    },
    'authentication/v1.TokenRequest': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:authentication/v1.TokenRequestSpec'],
      3: ['status', 'message:authentication/v1.TokenRequestStatus'],
    },
    'authentication/v1.TokenRequestSpec': {
      1: ['audiences', 'string', 'repeated'],
      3: ['boundObjectRef', 'message:authentication/v1.BoundObjectReference'],
      4: ['expirationSeconds', 'int64'],
    },
    'authentication/v1.TokenRequestStatus': {
      1: ['token', 'string'],
      2: ['expirationTimestamp', 'message:meta/v1.Time'],
    },
    'authentication/v1.TokenReview': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:authentication/v1.TokenReviewSpec'],
      3: ['status', 'message:authentication/v1.TokenReviewStatus'],
    },
    'authentication/v1.TokenReviewSpec': {
      1: ['token', 'string', 'omitempty'],
      2: ['audiences', 'string', 'repeated'],
    },
    'authentication/v1.TokenReviewStatus': {
      1: ['authenticated', 'bool', 'omitempty'],
      2: ['user', 'message:authentication/v1.UserInfo'],
      3: ['error', 'string', 'omitempty'],
      4: ['audiences', 'string', 'repeated'],
    },
    'authentication/v1.UserInfo': {
      1: ['username', 'string', 'omitempty'],
      2: ['uid', 'string', 'omitempty'],
      3: ['groups', 'string', 'repeated'],
      4: ['extra', 'map<string,message:authentication/v1.ExtraValue>'],
    },
  },
};
