import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ingressControllerName, servedBy, type IngressClassObject } from './ingressClass.ts';
import { isDefaultClassAnnotation } from '../../api/groups/cluster/ingress.ts';
import type { IngressObject } from './routingTable.ts';

const ingressClass = (name: string, controller: string, isDefault = false): IngressClassObject => ({
  metadata: { name, ...(isDefault ? { annotations: { [isDefaultClassAnnotation]: 'true' } } : {}) }, spec: { controller },
});
const ingress = (className?: string, annotation?: string): IngressObject => ({
  metadata: { name: 'i', namespace: 'ns', ...(annotation ? { annotations: { 'kubernetes.io/ingress.class': annotation } } : {}) },
  spec: className ? { ingressClassName: className } : {},
});

test('an Ingress naming a class is served when that class is implemented by skiff', () => {
  const served = servedBy([ingressClass('skiff', ingressControllerName), ingressClass('edge', ingressControllerName), ingressClass('nginx', 'k8s.io/ingress-nginx')]);
  assert.equal(served(ingress('skiff')), true);
  assert.equal(served(ingress('edge')), true);
  assert.equal(served(ingress('nginx')), false);
  assert.equal(served(ingress('missing')), false);
  assert.equal(served(ingress(undefined, 'skiff')), true);
  assert.equal(served(ingress(undefined, 'nginx')), false);
});

test('an Ingress naming no class is served only while a skiff class is the default', () => {
  assert.equal(servedBy([ingressClass('skiff', ingressControllerName, true)])(ingress()), true);
  assert.equal(servedBy([ingressClass('skiff', ingressControllerName), ingressClass('nginx', 'k8s.io/ingress-nginx', true)])(ingress()), false);
  assert.equal(servedBy([])(ingress()), false);
});
