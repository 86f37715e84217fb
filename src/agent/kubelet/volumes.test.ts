import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, statfs } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigMap, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { containerMounts, setUpVolumes, tearDownVolumes, type VolumeSources } from './volumes.ts';
import { memoryVolumeSize, mountsUnder } from './tmpfs.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('configMap, secret, downwardAPI, projected and emptyDir volumes, with items, modes and mounts', async () => {
  const root = await mkdtemp(join(tmpdir(), 'skiff-vol-'));
  try {
    const configMaps: Record<string, ConfigMap> = { app: { data: { 'app.conf': 'port=80', other: 'x' } } };
    const secrets: Record<string, Secret> = { tls: { data: { key: b64('k3y') } } };
    const sources: VolumeSources = {
      configMap: (_ns, n) => configMaps[n], secret: (_ns, n) => secrets[n], allocatable: {}, podIPs: ['10.0.0.1'], hostIPs: ['1.1.1.1'],
      canMount: false, warn: () => {},
    };
    const pod: Pod = {
      metadata: { name: 'web', namespace: 'default', uid: 'uid-1', labels: { b: '2', a: '1' } },
      spec: {
        containers: [{ name: 'app', volumeMounts: [{ name: 'cfg', mountPath: '/etc/app', readOnly: true }, { name: 'cache', mountPath: '/cache', subPath: 'x' }] }],
        volumes: [
          { name: 'cfg', configMap: { name: 'app', items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o600 }] } },
          { name: 'creds', secret: { secretName: 'tls', defaultMode: 0o400 } },
          { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
          { name: 'all', projected: { sources: [{ configMap: { name: 'app', items: [{ key: 'other', path: 'other' }] } }, { secret: { name: 'tls' } }, { configMap: { name: 'missing', optional: true } }] } },
          { name: 'cache', emptyDir: {} },
        ],
      },
    };
    const paths = await setUpVolumes(pod, root, sources);
    const vol = (plugin: string, name: string) => join(root, 'pods/uid-1/volumes', plugin, name);
    assert.equal(await readFile(join(vol('kubernetes.io~configmap', 'cfg'), 'conf/app.conf'), 'utf8'), 'port=80');
    assert.equal((await stat(join(vol('kubernetes.io~configmap', 'cfg'), 'conf/app.conf'))).mode & 0o777, 0o600);
    assert.equal(await readFile(join(vol('kubernetes.io~secret', 'creds'), 'key'), 'utf8'), 'k3y');
    assert.equal((await stat(join(vol('kubernetes.io~secret', 'creds'), 'key'))).mode & 0o777, 0o400);
    assert.equal(await readFile(join(vol('kubernetes.io~downward-api', 'info'), 'labels'), 'utf8'), 'a="1"\nb="2"');
    assert.equal(await readFile(join(vol('kubernetes.io~projected', 'all'), 'other'), 'utf8'), 'x');
    assert.equal(await readFile(join(vol('kubernetes.io~projected', 'all'), 'key'), 'utf8'), 'k3y');
    assert.ok((await stat(vol('kubernetes.io~empty-dir', 'cache'))).isDirectory());
    assert.deepEqual(containerMounts(pod.spec!.containers[0], paths), [
      { containerPath: '/etc/app', hostPath: vol('kubernetes.io~configmap', 'cfg'), readOnly: true },
      { containerPath: '/cache', hostPath: join(vol('kubernetes.io~empty-dir', 'cache'), 'x'), readOnly: false },
    ]);
    assert.ok((await stat(join(vol('kubernetes.io~empty-dir', 'cache'), 'x'))).isDirectory(), 'the subPath is created');

    configMaps.app = { data: { 'app.conf': 'port=8080', other: 'x' } };
    await setUpVolumes(pod, root, sources);
    assert.equal(await readFile(join(vol('kubernetes.io~configmap', 'cfg'), 'conf/app.conf'), 'utf8'), 'port=8080', 'updated in place');

    delete configMaps.app;
    await assert.rejects(setUpVolumes(pod, root, sources), /MountVolume.SetUp failed for volume "cfg" : configmap "app" not found/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

const isRoot = process.getuid?.() === 0 && process.platform === 'linux';

function memoryPod(uid: string, sizeLimit?: string): Pod {
  return {
    metadata: { name: 'ram', namespace: 'default', uid },
    spec: { containers: [{ name: 'app', resources: { limits: { memory: '64Mi' } } }], volumes: [{ name: 'scratch', emptyDir: { medium: 'Memory', ...(sizeLimit ? { sizeLimit } : {}) } }] },
  };
}

test('a memory emptyDir is sized by allocatable, then the pod limit, then its sizeLimit, whichever is least', () => {
  const allocatable = { memory: '1Gi' };
  assert.equal(memoryVolumeSize(memoryPod('a'), { medium: 'Memory' }, allocatable), 64 * 2 ** 20);
  assert.equal(memoryVolumeSize(memoryPod('a'), { medium: 'Memory', sizeLimit: '16Mi' }, allocatable), 16 * 2 ** 20);
  assert.equal(memoryVolumeSize(memoryPod('a'), { medium: 'Memory', sizeLimit: '2Gi' }, allocatable), 64 * 2 ** 20);
  const unlimited: Pod = { spec: { containers: [{ name: 'app' }] } };
  assert.equal(memoryVolumeSize(unlimited, { medium: 'Memory' }, allocatable), 2 ** 30);
});

test('as root a memory emptyDir is a tmpfs of its size, unmounted when the pod is torn down', { skip: !isRoot }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'skiff-vol-'));
  try {
    const sources: VolumeSources = { configMap: () => undefined, secret: () => undefined, allocatable: { memory: '1Gi' }, podIPs: [], hostIPs: [], canMount: true, warn: () => assert.fail('no warning as root') };
    const paths = await setUpVolumes(memoryPod('uid-ram', '8Mi'), root, sources);
    const dir = paths.get('scratch')!;
    assert.deepEqual(await mountsUnder(dir), [dir]);
    const fs = await statfs(dir);
    assert.equal(fs.blocks * fs.bsize, 8 * 2 ** 20);
    await setUpVolumes(memoryPod('uid-ram', '8Mi'), root, sources);
    assert.deepEqual(await mountsUnder(dir), [dir], 'mounted once, however often it is set up');
    await tearDownVolumes(root, 'uid-ram');
    assert.deepEqual(await mountsUnder(dir), []);
    assert.ok(!existsSync(join(root, 'pods', 'uid-ram')));
  } finally {
    for (const m of await mountsUnder(root)) execFileSync('umount', [m]);
    await rm(root, { recursive: true, force: true });
  }
});

test('without mounting a memory emptyDir is a directory, with one warning', async () => {
  const root = await mkdtemp(join(tmpdir(), 'skiff-vol-'));
  try {
    const warnings: string[] = [];
    const sources: VolumeSources = { configMap: () => undefined, secret: () => undefined, allocatable: {}, podIPs: [], hostIPs: [], canMount: false, warn: (reason, message) => warnings.push(`${reason}: ${message}`) };
    const paths = await setUpVolumes(memoryPod('uid-disk'), root, sources);
    await setUpVolumes(memoryPod('uid-disk'), root, sources);
    assert.ok((await stat(paths.get('scratch')!)).isDirectory());
    assert.deepEqual(await mountsUnder(paths.get('scratch')!), []);
    assert.deepEqual(warnings, ['MemoryMediumUnavailable: emptyDir volume "scratch" asks for medium Memory, but mounting a tmpfs needs root: it is a directory on disk instead']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
