import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ingress } from 'kubernetes-types/networking/v1.js';
import type { KubeObject } from '../../kind.ts';
import { Registry } from '../../registry.ts';
import { ApiServerCore } from '../../../apiserver/core.ts';
import { openSqliteStore } from '../../../store/sqlite/sqliteStore.ts';
import type { Store } from '../../../store/store.ts';
import { ingress as ingressKind, ingressClass as ingressClassKind } from './ingress.ts';
import { defaultIngressClassAdmission } from './defaultIngressClassAdmission.ts';

const defaultClass = (name: string, creationTimestamp?: string): KubeObject => ({
  metadata: { name, creationTimestamp, annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
});
const notDefault: KubeObject[] = [
  { metadata: { name: 'off', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'false' } } },
  { metadata: { name: 'empty', annotations: { 'ingressclass.kubernetes.io/is-default-class': '' } } },
  { metadata: { name: 'plain' } },
];
const ing = (spec: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject => ({
  metadata: { name: 'web', namespace: 'default', annotations },
  spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } }, ...spec },
});
const className = (obj: KubeObject) => (obj as Ingress).spec?.ingressClassName;
const classOf = (classes: KubeObject[], obj: KubeObject) => className(defaultIngressClassAdmission(() => classes)(ingressKind, obj));

test('an Ingress naming no class gets the default IngressClass; without a default it is left as sent', () => {
  assert.equal(classOf([...notDefault, defaultClass('skiff')], ing()), 'skiff');
  const sent = ing();
  assert.equal(defaultIngressClassAdmission(() => notDefault)(ingressKind, sent), sent);
  assert.equal(classOf([], ing()), undefined);
});

test('a class already named, in the field (even "") or the annotation, is left alone', () => {
  const classes = [defaultClass('skiff')];
  assert.equal(classOf(classes, ing({ ingressClassName: 'nginx' })), 'nginx');
  assert.equal(classOf(classes, ing({ ingressClassName: '' })), '');
  assert.equal(classOf(classes, ing({}, { 'kubernetes.io/ingress.class': 'nginx' })), undefined);
  assert.equal(classOf(classes, ing({}, { 'kubernetes.io/ingress.class': '' })), undefined, 'the annotation counts when present, whatever its value');
});

test('of several defaults the newest wins, the lower name on equal creation times', () => {
  assert.equal(classOf([defaultClass('old', '2022-01-01T00:00:00Z'), defaultClass('new', '2022-01-01T00:00:01Z')], ing()), 'new');
  assert.equal(classOf([defaultClass('new', '2022-01-01T00:00:01Z'), defaultClass('old', '2022-01-01T00:00:00Z')], ing()), 'new');
  assert.equal(classOf([defaultClass('b', '2022-01-01T00:00:00Z'), defaultClass('a', '2022-01-01T00:00:00Z')], ing()), 'a');
});

test('other kinds are not touched', () => {
  const cls = { metadata: { name: 'x' }, spec: { controller: 'c' } } as KubeObject;
  assert.equal(defaultIngressClassAdmission(() => [defaultClass('skiff')])(ingressClassKind, cls), cls);
});

// The apiserver's write path over a real SQLite store, with the plugin reading IngressClasses
// from the watch cache as the server wires it.
let dir: string;
let store: Store;
let core: ApiServerCore;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skiff-default-ingress-class-'));
  store = await openSqliteStore(join(dir, 'state.db'));
  core = new ApiServerCore(store, new Registry(), [
    defaultIngressClassAdmission(() => core.storageFor('networking.k8s.io', 'ingressclasses').cache.list().items.map((e) => e.object)),
  ]);
  await core.start();
});
after(async () => {
  core?.stop();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const ctx = { manager: 'test', user: 'test' };
const createIngress = async (name: string, obj: KubeObject) =>
  className(await core.createObject(core.storageFor('networking.k8s.io', 'ingresses'), 'default', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', ...obj, metadata: { ...obj.metadata, name } }, ctx));
const createClass = (c: KubeObject) =>
  core.createObject(core.storageFor('networking.k8s.io', 'ingressclasses'), undefined, { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', ...c, spec: { controller: 'example.com/ingress' } }, ctx);

test('through the apiserver: created Ingresses get the stored default class; updates are not defaulted', async () => {
  assert.equal(await createIngress('before-any-default', ing()), undefined);
  await createClass(defaultClass('skiff'));
  await createClass(notDefault[0]);
  assert.equal(await createIngress('plain', ing()), 'skiff');
  assert.equal(await createIngress('annotated', ing({}, { 'kubernetes.io/ingress.class': 'nginx' })), undefined);
  assert.equal(await createIngress('explicit', ing({ ingressClassName: 'off' })), 'off');
  const ingresses = core.storageFor('networking.k8s.io', 'ingresses');
  const updated = await core.updateObject(ingresses, 'default', 'before-any-default', (current) => ({ ...current!, metadata: { ...current!.metadata, labels: { touched: 'yes' } } }), ctx);
  assert.equal(className(updated), undefined);
});
