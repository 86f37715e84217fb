import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonForms } from '../wellKnown.ts';
import { groupVersions, messages } from './index.ts';

test('every message a field names is in the tables', () => {
  const missing: string[] = [];
  for (const [type, message] of Object.entries(messages)) {
    for (const [number, [name, kind, flag]] of Object.entries(message)) {
      const target = kind.match(/message:([^>]+)/)?.[1];
      if (target && !messages[target]) missing.push(`${type}.${name} (${number}) -> ${target}`);
      if (flag === 'inline' && !target) missing.push(`${type} field ${number} is inline but not a message`);
    }
  }
  assert.deepEqual(missing, []);
});

test('every kind has its message, and every special JSON form a message', () => {
  for (const gv of groupVersions) for (const kind of gv.kinds) assert.ok(messages[`${gv.prefix}.${kind}`], `${gv.apiVersion} ${kind}`);
  for (const type of Object.keys(jsonForms)) assert.ok(messages[type], type);
});

test('the kinds kubectl sends as protobuf are all covered', () => {
  const kinds = (apiVersion: string) => groupVersions.find((gv) => gv.apiVersion === apiVersion)?.kinds ?? [];
  const wanted: Record<string, string[]> = {
    v1: ['Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'ResourceQuota', 'Pod', 'Binding'],
    'apps/v1': ['Deployment'],
    'batch/v1': ['Job', 'CronJob'],
    'autoscaling/v1': ['HorizontalPodAutoscaler'],
    'autoscaling/v2': ['HorizontalPodAutoscaler'],
    'rbac.authorization.k8s.io/v1': ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'],
    'scheduling.k8s.io/v1': ['PriorityClass'],
    'policy/v1': ['PodDisruptionBudget', 'Eviction'],
    'networking.k8s.io/v1': ['Ingress'],
    'authentication.k8s.io/v1': ['TokenRequest', 'SelfSubjectReview'],
    'authorization.k8s.io/v1': ['SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview'],
    'certificates.k8s.io/v1': ['CertificateSigningRequest'],
    'meta.k8s.io/v1': ['DeleteOptions'],
  };
  for (const [apiVersion, list] of Object.entries(wanted)) {
    for (const kind of list) assert.ok(kinds(apiVersion).includes(kind), `${apiVersion} ${kind}`);
  }
});
