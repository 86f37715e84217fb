// authorization.k8s.io and authentication.k8s.io: reviews answered at once, never stored.
// Until RBAC lands every authenticated user may do everything, so every review allows.

import type { KindDeclaration } from '../kind.ts';

const authorization = { group: 'authorization.k8s.io', version: 'v1', namespaced: false, verbs: ['create'] };
const authentication = { group: 'authentication.k8s.io', version: 'v1', namespaced: false, verbs: ['create'] };

const allowAll = (review: any) => ({ ...review, status: { allowed: true, reason: 'skiff: every authenticated user is allowed until RBAC is enabled' } });

export const reviewKinds: KindDeclaration[] = [
  { ...authorization, kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', review: allowAll },
  { ...authorization, kind: 'SubjectAccessReview', plural: 'subjectaccessreviews', singular: 'subjectaccessreview', review: allowAll },
  { ...authorization, kind: 'LocalSubjectAccessReview', plural: 'localsubjectaccessreviews', singular: 'localsubjectaccessreview', namespaced: true, review: allowAll },
  {
    ...authorization, kind: 'SelfSubjectRulesReview', plural: 'selfsubjectrulesreviews', singular: 'selfsubjectrulesreview',
    review: (review) => ({
      ...review,
      status: { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false },
    }),
  },
  {
    ...authentication, kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', singular: 'selfsubjectreview',
    review: (review, user) => ({ ...review, status: { userInfo: { username: user.name, groups: user.groups } } }),
  },
];
