import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo } from './requestInfo.ts';

const info = (method: string, path: string) => parseRequestInfo(method, new URL(path, 'https://x'));

test('namespaced resources, names and subresources', () => {
  assert.deepEqual(info('GET', '/apis/apps/v1/namespaces/default/deployments/web/scale'), {
    resource: true, group: 'apps', version: 'v1', namespace: 'default', plural: 'deployments', name: 'web', subresource: 'scale', verb: 'get',
  });
  assert.equal((info('GET', '/api/v1/namespaces/default/pods') as any).verb, 'list');
  assert.equal((info('DELETE', '/api/v1/namespaces/default/pods') as any).verb, 'deletecollection');
  assert.equal((info('PATCH', '/api/v1/nodes/n1/status') as any).subresource, 'status');
});

test('watches: ?watch=true and the legacy /watch/ prefix', () => {
  assert.equal((info('GET', '/api/v1/pods?watch=true') as any).verb, 'watch');
  const legacy = info('GET', '/api/v1/watch/namespaces/kube-system/configmaps') as any;
  assert.equal(legacy.verb, 'watch');
  assert.equal(legacy.namespace, 'kube-system');
});

test('a namespace addresses itself', () => {
  const ns = info('GET', '/api/v1/namespaces/demo') as any;
  assert.equal(ns.plural, 'namespaces');
  assert.equal(ns.name, 'demo');
});

test('everything else is a non-resource request', () => {
  for (const path of ['/version', '/apis', '/apis/apps', '/openapi/v3/apis/apps/v1', '/healthz']) {
    assert.equal(info('GET', path).resource, false, path);
  }
});
