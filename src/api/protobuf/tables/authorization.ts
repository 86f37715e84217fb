// Protobuf wire facts of authorization/v1 at Kubernetes v1.32: field numbers and kinds from
// k8s.io/api generated.proto; JSON names, omitempty and inline from the Go types.
// Derived mechanically from those sources; the format is described in ../table.ts.

import type { GroupVersionTable } from '../table.ts';

export const authorizationV1: GroupVersionTable = {
  apiVersion: 'authorization.k8s.io/v1',
  prefix: 'authorization/v1',
  kinds: ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview'],
  messages: {
    'authorization/v1.ExtraValue': {
      1: ['items', 'string', 'repeated'],
    },
    'authorization/v1.FieldSelectorAttributes': {
      1: ['rawSelector', 'string', 'omitempty'],
      2: ['requirements', 'message:meta/v1.FieldSelectorRequirement', 'repeated'],
    },
    'authorization/v1.LabelSelectorAttributes': {
      1: ['rawSelector', 'string', 'omitempty'],
      2: ['requirements', 'message:meta/v1.LabelSelectorRequirement', 'repeated'],
    },
    'authorization/v1.LocalSubjectAccessReview': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:authorization/v1.SubjectAccessReviewSpec'],
      3: ['status', 'message:authorization/v1.SubjectAccessReviewStatus'],
    },
    'authorization/v1.NonResourceAttributes': {
      1: ['path', 'string', 'omitempty'],
      2: ['verb', 'string', 'omitempty'],
    },
    'authorization/v1.NonResourceRule': {
      1: ['verbs', 'string', 'repeated'],
      2: ['nonResourceURLs', 'string', 'repeated'],
    },
    'authorization/v1.ResourceAttributes': {
      1: ['namespace', 'string', 'omitempty'],
      2: ['verb', 'string', 'omitempty'],
      3: ['group', 'string', 'omitempty'],
      4: ['version', 'string', 'omitempty'],
      5: ['resource', 'string', 'omitempty'],
      6: ['subresource', 'string', 'omitempty'],
      7: ['name', 'string', 'omitempty'],
      8: ['fieldSelector', 'message:authorization/v1.FieldSelectorAttributes'],
      9: ['labelSelector', 'message:authorization/v1.LabelSelectorAttributes'],
    },
    'authorization/v1.ResourceRule': {
      1: ['verbs', 'string', 'repeated'],
      2: ['apiGroups', 'string', 'repeated'],
      3: ['resources', 'string', 'repeated'],
      4: ['resourceNames', 'string', 'repeated'],
    },
    'authorization/v1.SelfSubjectAccessReview': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:authorization/v1.SelfSubjectAccessReviewSpec'],
      3: ['status', 'message:authorization/v1.SubjectAccessReviewStatus'],
    },
    'authorization/v1.SelfSubjectAccessReviewSpec': {
      1: ['resourceAttributes', 'message:authorization/v1.ResourceAttributes'],
      2: ['nonResourceAttributes', 'message:authorization/v1.NonResourceAttributes'],
    },
    'authorization/v1.SelfSubjectRulesReview': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:authorization/v1.SelfSubjectRulesReviewSpec'],
      3: ['status', 'message:authorization/v1.SubjectRulesReviewStatus'],
    },
    'authorization/v1.SelfSubjectRulesReviewSpec': {
      1: ['namespace', 'string', 'omitempty'],
    },
    'authorization/v1.SubjectAccessReview': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:authorization/v1.SubjectAccessReviewSpec'],
      3: ['status', 'message:authorization/v1.SubjectAccessReviewStatus'],
    },
    'authorization/v1.SubjectAccessReviewSpec': {
      1: ['resourceAttributes', 'message:authorization/v1.ResourceAttributes'],
      2: ['nonResourceAttributes', 'message:authorization/v1.NonResourceAttributes'],
      3: ['user', 'string', 'omitempty'],
      4: ['groups', 'string', 'repeated'],
      5: ['extra', 'map<string,message:authorization/v1.ExtraValue>'],
      6: ['uid', 'string', 'omitempty'],
    },
    'authorization/v1.SubjectAccessReviewStatus': {
      1: ['allowed', 'bool'],
      2: ['reason', 'string', 'omitempty'],
      3: ['evaluationError', 'string', 'omitempty'],
      4: ['denied', 'bool', 'omitempty'],
    },
    'authorization/v1.SubjectRulesReviewStatus': {
      1: ['resourceRules', 'message:authorization/v1.ResourceRule', 'repeated'],
      2: ['nonResourceRules', 'message:authorization/v1.NonResourceRule', 'repeated'],
      3: ['incomplete', 'bool'],
      4: ['evaluationError', 'string', 'omitempty'],
    },
  },
};
