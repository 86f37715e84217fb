// Writes a volume's files the way upstream's atomic writer does, so a reader never sees a
// half-updated set: the files go into a fresh hidden timestamped directory, a `..data`
// symlink is swapped to it with one rename, and each visible name is a symlink through
// `..data`. Nothing is written when the payload is unchanged.

import { lstat, mkdir, readFile, readdir, readlink, rename, rm, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';

export interface FileToWrite {
  content: Buffer;
  mode: number;
}

const dataLink = '..data';

/** Returns whether anything changed. Paths in payload are relative, without `..`. */
export async function writeAtomically(dir: string, payload: Map<string, FileToWrite>): Promise<boolean> {
  await mkdir(dir, { recursive: true });
  const current = await readlink(join(dir, dataLink)).catch(() => undefined);
  if (current && (await samePayload(join(dir, current), payload))) return false;

  const stamp = new Date().toISOString().replace(/[-:T]/g, '_').replace(/\..*/, '');
  const fresh = `..${stamp}.${randomBytes(4).toString('hex')}`;
  for (const [path, file] of payload) {
    const target = join(dir, fresh, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content);
    await chmod(target, file.mode); // writeFile's mode is masked by the umask
  }
  await mkdir(join(dir, fresh), { recursive: true }); // an empty payload still has its directory
  const tmpLink = join(dir, `${dataLink}_tmp`);
  await rm(tmpLink, { force: true });
  await symlink(fresh, tmpLink);
  await rename(tmpLink, join(dir, dataLink));

  const visible = new Set([...payload.keys()].map((p) => p.split('/')[0]));
  for (const name of visible) {
    const link = join(dir, name);
    const existing = await readlink(link).catch(() => undefined);
    if (existing !== join(dataLink, name)) {
      await rm(link, { force: true, recursive: true });
      await symlink(join(dataLink, name), link);
    }
  }
  for (const name of await readdir(dir)) {
    if (name.startsWith('..')) {
      if (name !== dataLink && name !== fresh) await rm(join(dir, name), { recursive: true, force: true });
    } else if (!visible.has(name) && (await lstat(join(dir, name))).isSymbolicLink()) {
      await rm(join(dir, name), { force: true });
    }
  }
  return true;
}

async function samePayload(dataDir: string, payload: Map<string, FileToWrite>): Promise<boolean> {
  let count = 0;
  for (const [path, file] of payload) {
    const target = join(dataDir, path);
    const [content, info] = await Promise.all([readFile(target).catch(() => undefined), stat(target).catch(() => undefined)]);
    if (!content || !info || !content.equals(file.content) || (info.mode & 0o777) !== file.mode) return false;
    count++;
  }
  return count === (await countFiles(dataDir));
}

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).length;
}
