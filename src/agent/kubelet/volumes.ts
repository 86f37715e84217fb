// A pod's volumes, materialised under <rootDir>/pods/<uid>/volumes/<plugin>/<name> as
// upstream's kubelet lays them out: emptyDir a directory (a tmpfs for medium Memory, when we
// may mount; else a directory and a warning), hostPath the host's path,
// configMap/secret/downwardAPI/projected files written atomically (and rewritten when
// their sources change: every sync calls this again). Then each container's mounts; and the
// pod's directory removed (its tmpfs mounts first) once the pod has gone.

import { existsSync, mkdirSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigMap, Container, DownwardAPIVolumeFile, KeyToPath, Pod, Secret, Volume } from 'kubernetes-types/core/v1.js';
import type { Mount } from '../../runtime/runtime.ts';
import { writeAtomically, type FileToWrite } from './atomicWriter.ts';
import { ConfigError, fieldValue, resourceValue, type PodAddresses } from './downward.ts';
import { ensureTmpfs, memoryVolumeSize, removePodDir } from './tmpfs.ts';

export interface VolumeSources extends PodAddresses {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
  allocatable: Record<string, string>;
  /** Whether tmpfs may be mounted (root): memory-medium emptyDirs are plain directories otherwise. */
  canMount: boolean;
  /** Told about a volume set up differently than asked (a Warning event). */
  warn(reason: string, message: string): void;
}

/** Upstream's default file mode for configMap, secret, downwardAPI and projected volumes (0644). */
const defaultMode = 0o644;

export function podDir(rootDir: string, uid: string): string {
  return join(rootDir, 'pods', uid);
}

/**
 * Sets up every volume; returns name -> host path. A volume that cannot be set up throws
 * (a ConfigError with upstream's message, e.g. `configmap "x" not found`) naming the volume.
 */
export async function setUpVolumes(pod: Pod, rootDir: string, sources: VolumeSources): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const volume of pod.spec?.volumes ?? []) {
    try {
      paths.set(volume.name, await setUpVolume(pod, volume, rootDir, sources));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new ConfigError(`MountVolume.SetUp failed for volume "${volume.name}" : ${message}`);
    }
  }
  return paths;
}

/** Removes what setUpVolumes made for the pod (unmounting its tmpfs volumes first). */
export function tearDownVolumes(rootDir: string, uid: string): Promise<void> {
  return removePodDir(podDir(rootDir, uid));
}

/** The runtime mounts for a container (subPath joined under its volume, created as a directory when missing, as upstream). */
export function containerMounts(container: Container, volumePaths: Map<string, string>): Mount[] {
  return (container.volumeMounts ?? []).flatMap((m) => {
    const hostPath = volumePaths.get(m.name);
    if (!hostPath) return [];
    const source = m.subPath ? join(hostPath, m.subPath) : hostPath;
    if (m.subPath && !existsSync(source)) mkdirSync(source, { recursive: true, mode: 0o755 });
    return [{ containerPath: m.mountPath, hostPath: source, readOnly: m.readOnly ?? false }];
  });
}

async function setUpVolume(pod: Pod, volume: Volume, rootDir: string, sources: VolumeSources): Promise<string> {
  const dir = (plugin: string) => join(podDir(rootDir, pod.metadata?.uid ?? ''), 'volumes', plugin, volume.name);
  const namespace = pod.metadata?.namespace ?? 'default';
  if (volume.hostPath) {
    const { path, type } = volume.hostPath;
    if (type === 'DirectoryOrCreate') await mkdir(path, { recursive: true, mode: 0o755 });
    if (type === 'FileOrCreate') await (await open(path, 'a', 0o644)).close();
    return path;
  }
  if (volume.emptyDir) {
    const path = dir('kubernetes.io~empty-dir');
    const created = (await mkdir(path, { recursive: true, mode: 0o777 })) !== undefined;
    if (volume.emptyDir.medium === 'Memory') {
      if (sources.canMount) await ensureTmpfs(path, memoryVolumeSize(pod, volume.emptyDir, sources.allocatable));
      else if (created) sources.warn('MemoryMediumUnavailable', `emptyDir volume "${volume.name}" asks for medium Memory, but mounting a tmpfs needs root: it is a directory on disk instead`);
    }
    return path;
  }
  const files = new Map<string, FileToWrite>();
  let path: string;
  if (volume.configMap) {
    path = dir('kubernetes.io~configmap');
    addConfigMap(files, sources.configMap(namespace, volume.configMap.name ?? ''), volume.configMap, volume.configMap.defaultMode ?? defaultMode);
  } else if (volume.secret) {
    path = dir('kubernetes.io~secret');
    const ref = { name: volume.secret.secretName, items: volume.secret.items, optional: volume.secret.optional };
    addSecret(files, sources.secret(namespace, ref.name ?? ''), ref, volume.secret.defaultMode ?? defaultMode);
  } else if (volume.downwardAPI) {
    path = dir('kubernetes.io~downward-api');
    addDownward(files, pod, volume.downwardAPI.items ?? [], volume.downwardAPI.defaultMode ?? defaultMode, sources);
  } else if (volume.projected) {
    path = dir('kubernetes.io~projected');
    const mode = volume.projected.defaultMode ?? defaultMode;
    for (const source of volume.projected.sources ?? []) {
      if (source.configMap) addConfigMap(files, sources.configMap(namespace, source.configMap.name ?? ''), source.configMap, mode);
      if (source.secret) addSecret(files, sources.secret(namespace, source.secret.name ?? ''), source.secret, mode);
      if (source.downwardAPI) addDownward(files, pod, source.downwardAPI.items ?? [], mode, sources);
      // serviceAccountToken and clusterTrustBundle sources wait for token issuance.
    }
  } else {
    throw new ConfigError('unsupported volume type');
  }
  await writeAtomically(path, files);
  return path;
}

interface KeyedSource {
  name?: string;
  items?: KeyToPath[];
  optional?: boolean;
}

function addConfigMap(files: Map<string, FileToWrite>, cm: ConfigMap | undefined, ref: KeyedSource, mode: number): void {
  if (!cm) {
    if (ref.optional) return;
    throw new ConfigError(`configmap "${ref.name}" not found`);
  }
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) data.set(k, Buffer.from(v));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) data.set(k, Buffer.from(v, 'base64'));
  addKeys(files, data, ref, mode, `configmap references non-existent config key`);
}

function addSecret(files: Map<string, FileToWrite>, secret: Secret | undefined, ref: KeyedSource, mode: number): void {
  if (!secret) {
    if (ref.optional) return;
    throw new ConfigError(`secret "${ref.name}" not found`);
  }
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(secret.data ?? {})) data.set(k, Buffer.from(v, 'base64'));
  addKeys(files, data, ref, mode, `references non-existent secret key`);
}

/** All keys as files, or only the items (each at its path, with its mode). */
function addKeys(files: Map<string, FileToWrite>, data: Map<string, Buffer>, ref: KeyedSource, mode: number, missing: string): void {
  if (!ref.items?.length) {
    for (const [key, content] of data) files.set(key, { content, mode });
    return;
  }
  for (const item of ref.items) {
    const content = data.get(item.key);
    if (!content) {
      if (ref.optional) continue;
      throw new ConfigError(`${missing}: ${item.key}`);
    }
    files.set(item.path, { content, mode: item.mode ?? mode });
  }
}

function addDownward(files: Map<string, FileToWrite>, pod: Pod, items: DownwardAPIVolumeFile[], mode: number, sources: VolumeSources): void {
  for (const item of items) {
    let value = '';
    if (item.fieldRef) value = fieldValue(pod, item.fieldRef, sources);
    else if (item.resourceFieldRef) value = resourceValue(pod, item.resourceFieldRef, '', sources.allocatable);
    files.set(item.path, { content: Buffer.from(value), mode: item.mode ?? mode });
  }
}
