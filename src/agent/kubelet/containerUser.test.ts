import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { containerUser, type RuntimeUser } from './containerUser.ts';
import { ConfigError } from './downward.ts';

const root: RuntimeUser = { uid: 0, gid: 0, primaryGroup: (uid) => (uid === 1000 ? 100 : undefined) };
const pod = (securityContext: NonNullable<Pod['spec']>['securityContext'], c: Container): Pod => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { securityContext, containers: [c] } });

test('the container\'s user and group win over the pod\'s; supplemental groups and fsGroup are extra groups', () => {
  const c: Container = { name: 'c', securityContext: { runAsUser: 7 } };
  assert.deepEqual(containerUser(pod({ runAsUser: 1, runAsGroup: 2, supplementalGroups: [5, 6], fsGroup: 5 }, c), c, root), { uid: 7, gid: 2, supplementalGroups: [5, 6] });
  const plain: Container = { name: 'c' };
  assert.equal(containerUser(pod(undefined, plain), plain, root), undefined, 'the runtime\'s own user');
});

test('a uid without a gid takes its primary group from the host, else 0; a gid alone keeps the runtime\'s uid', () => {
  const c = (runAsUser?: number, runAsGroup?: number): Container => ({ name: 'c', securityContext: { runAsUser, runAsGroup } });
  assert.deepEqual(containerUser(pod(undefined, c(1000)), c(1000), root), { uid: 1000, gid: 100 });
  assert.deepEqual(containerUser(pod(undefined, c(1234)), c(1234), root), { uid: 1234, gid: 0 });
  assert.deepEqual(containerUser(pod(undefined, c(undefined, 50)), c(undefined, 50), root), { uid: 0, gid: 50 });
});

test('runAsNonRoot refuses uid 0, explicit or inherited from the runtime, with upstream\'s messages', () => {
  const explicit: Container = { name: 'c', securityContext: { runAsUser: 0, runAsNonRoot: true } };
  assert.throws(() => containerUser(pod(undefined, explicit), explicit, root), (e: unknown) => e instanceof ConfigError && e.message === 'container\'s runAsUser breaks non-root policy (pod: "p_ns(u1)", container: c)');
  const inherited: Container = { name: 'c' };
  assert.throws(() => containerUser(pod({ runAsNonRoot: true }, inherited), inherited, root), /^Error: container has runAsNonRoot and image will run as root \(pod: "p_ns\(u1\)", container: c\)$/);
  assert.equal(containerUser(pod({ runAsNonRoot: true }, inherited), inherited, { ...root, uid: 1000 }), undefined, 'a non-root agent passes');
  const nonRoot: Container = { name: 'c', securityContext: { runAsUser: 1000 } };
  assert.deepEqual(containerUser(pod({ runAsNonRoot: true }, nonRoot), nonRoot, root), { uid: 1000, gid: 100 });
});
