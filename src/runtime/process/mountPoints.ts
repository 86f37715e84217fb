// How a container's volumes are mounted inside its own mount namespace, including at a
// mountPath that does not exist on the host (as root): the host's filesystem never changes.
// - Under an existing directory other than / (its deepest existing ancestor, /etc for
//   /etc/app/data): an overlay over that directory, its layers on a tmpfs, the mounts below
//   it carried over, and the path created in it. One overlay per ancestor.
// - At the top level (/out): an overlay on / would lose /proc, /dev, /sys and every other
//   mount, so the container gets a shadow root instead: a tmpfs holding each entry of the
//   host's / (directories recursively bind-mounted, files bind-mounted, symlinks recreated)
//   plus the new directories, which it pivot_roots into. The namespace's root is then the
//   shadow root, so `nsenter --mount` (exec) sees the same tree.
// The tmpfs mounts live at the container's staging dir and go with its mount namespace.
// Containers whose mount paths all exist get none of this: just the bind mounts.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Mount } from '../runtime.ts';
import { quote } from './launch.ts';

export interface MountPointPlan {
  /** Where the tmpfs for overlay layers (and the shadow root) is mounted: a real path under the container's dir. */
  stagingDir: string;
  /** Existing directories to cover with an overlay, outermost first, with the mount points below each to carry over. */
  overlays: { dir: string; submounts: string[] }[];
  /** Volume sources inside an overlaid directory: bound aside first, or they would be seen through the overlay. */
  stagedSources: string[];
  /** The missing mount points, created once the overlays and shadow root are in place: a file for a file volume. */
  create: { path: string; file: boolean }[];
  /** When a missing path is at the top level: the host's / to reproduce. */
  shadowRoot?: { mode: number; entries: RootEntry[] };
}

export type RootEntry = { name: string; kind: 'dir' | 'file' } | { name: string; kind: 'symlink'; target: string };

/**
 * Looks at the host to plan what makes every missing mount path exist; undefined when all
 * exist. A path below another mount's path is that volume's business and is left alone
 * (mounts are bound outermost first), as is one whose deepest existing ancestor is not a
 * directory: its bind then fails with a message. stagingDir's parent must exist.
 */
export function planMountPoints(mounts: readonly Mount[], stagingDir: string): MountPointPlan | undefined {
  const overlayDirs = new Set<string>();
  const create: MountPointPlan['create'] = [];
  let topLevel = false;
  for (const m of mounts) {
    if (mounts.some((other) => isBelow(m.containerPath, other.containerPath)) || fs.existsSync(m.containerPath)) continue;
    const ancestor = deepestExisting(m.containerPath);
    if (!isDirectory(ancestor)) continue;
    if (ancestor === '/') topLevel = true;
    else overlayDirs.add(ancestor);
    create.push({ path: m.containerPath, file: !isDirectory(m.hostPath) });
  }
  if (create.length === 0) return undefined;
  const staging = path.join(fs.realpathSync(path.dirname(stagingDir)), path.basename(stagingDir));
  // The staging mount is one of the mounts to carry into an overlay above it.
  const mountPoints = overlayDirs.size > 0 ? [...hostMountPoints(), staging] : [];
  const dirs = [...overlayDirs].sort((a, b) => a.length - b.length);
  return {
    stagingDir: staging,
    overlays: dirs.map((dir) => ({ dir, submounts: outermostBelow(dir, mountPoints) })),
    stagedSources: [...new Set(mounts.map((m) => m.hostPath))].filter((source) => dirs.some((dir) => isAtOrBelow(realPath(source), dir))),
    create,
    ...(topLevel ? { shadowRoot: { mode: fs.statSync('/').mode & 0o7777, entries: rootEntries() } } : {}),
  };
}

/**
 * The init script's lines that mount the volumes (outermost first, as containerd sorts
 * them, so a volume inside another lands on top of it), after carrying out the plan, if
 * any; every step exits 126 on failure. Makes the staging dir. Commands are batched where
 * they can be: each is a fork and exec, about a millisecond.
 */
export function volumeMountLines(mounts: readonly Mount[], plan: MountPointPlan | undefined): string[] {
  const sorted = [...mounts].sort((a, b) => depth(a.containerPath) - depth(b.containerPath));
  const binds = (source: (m: Mount) => string) =>
    sorted.flatMap((m) => {
      const dst = quote(m.containerPath);
      // A path still missing here could only be made by changing the host's filesystem (or a volume's).
      const lines = [`[ -e ${dst} ] || { echo "skiff: mount path ${m.containerPath} does not exist on this host" >&2; exit 126; }`, `mount --bind ${quote(source(m))} ${dst} || exit 126`];
      return m.readOnly ? [...lines, `mount -o remount,bind,ro ${dst} || exit 126`] : lines;
    });
  if (!plan) return binds((m) => m.hostPath);

  const { stagingDir, overlays, stagedSources, create, shadowRoot } = plan;
  const staged = (source: string) => path.join(stagingDir, 'sources', String(stagedSources.indexOf(source)));
  const layer = (i: number, name: 'upper' | 'work' | 'merged') => path.join(stagingDir, 'layers', String(i), name);
  fs.mkdirSync(stagingDir, { recursive: true });
  const steps: string[] = [];
  const dirs = [...overlays.flatMap((_, i) => [layer(i, 'upper'), layer(i, 'work'), layer(i, 'merged')]), ...stagedSources.filter(isDirectory).map(staged)];
  const files = stagedSources.filter((s) => !isDirectory(s)).map(staged);
  steps.push(
    [
      `mount -t tmpfs -o mode=700 skiff-staging ${quote(stagingDir)}`,
      ...(dirs.length > 0 ? [`mkdir -p ${dirs.map(quote).join(' ')}`] : []),
      ...(files.length > 0 ? [`mkdir -p ${quote(path.dirname(files[0]!))} && touch ${files.map(quote).join(' ')}`] : []),
    ].join(' && '),
  );
  for (const source of stagedSources) steps.push(`mount --bind ${quote(source)} ${quote(staged(source))}`);
  overlays.forEach(({ dir, submounts }, i) => {
    const options = `lowerdir=${overlayOption(dir)},upperdir=${overlayOption(layer(i, 'upper'))},workdir=${overlayOption(layer(i, 'work'))}`;
    const merged = layer(i, 'merged');
    steps.push(`mount -t overlay skiff-overlay -o ${quote(options)} ${quote(merged)}`);
    for (const sub of submounts) steps.push(`mount --rbind ${quote(sub)} ${quote(merged + sub.slice(dir.length))}`);
    steps.push(`mount --move ${quote(merged)} ${quote(dir)}`);
  });
  if (shadowRoot) {
    const root = path.join(stagingDir, 'root');
    const here = (e: RootEntry) => quote(`./${e.name}`);
    // The entry holding the staging dir goes first: its recursive bind copies the staging
    // mounts as they are then (the shadow root still empty); the copy is unmounted at the end.
    const stagingTop = stagingDir.split('/')[1];
    const entries = [...shadowRoot.entries].sort((a, b) => Number(b.name === stagingTop) - Number(a.name === stagingTop));
    const subdirs = entries.filter((e) => e.kind === 'dir');
    const plainFiles = entries.filter((e) => e.kind === 'file');
    steps.push(
      [
        `mkdir ${quote(root)} && mount -t tmpfs -o mode=${shadowRoot.mode.toString(8)} skiff-root ${quote(root)} && cd ${quote(root)}`,
        ...(subdirs.length > 0 ? [`mkdir ${subdirs.map(here).join(' ')}`] : []),
        ...(plainFiles.length > 0 ? [`touch ${plainFiles.map(here).join(' ')}`] : []),
      ].join(' && '),
    );
    for (const e of entries) {
      if (e.kind === 'symlink') steps.push(`ln -s ${quote(e.target)} ${here(e)}`);
      else steps.push(`mount ${e.kind === 'dir' ? '--rbind' : '--bind'} ${quote(`/${e.name}`)} ${here(e)}`);
    }
    // pivot_root(".", "."): the old root ends up stacked on the new one; the lazy unmount detaches it.
    steps.push('pivot_root . . && umount -l . && cd /');
  }
  const createDirs = create.map((c) => quote(c.file ? path.dirname(c.path) : c.path));
  const createFiles = create.filter((c) => c.file).map((c) => quote(c.path));
  steps.push(`mkdir -p ${createDirs.join(' ')}${createFiles.length > 0 ? ` && touch ${createFiles.join(' ')}` : ''}`);
  return [
    ...steps.map((step) => `{ ${step}; } || exit 126`),
    ...binds((m) => (stagedSources.includes(m.hostPath) ? staged(m.hostPath) : m.hostPath)),
    // The overlays hold their own references to their layers, and binds to their sources.
    `umount -l ${quote(stagingDir)} || exit 126`,
  ];
}

function depth(p: string): number {
  return p.split('/').filter(Boolean).length;
}

function isBelow(p: string, dir: string): boolean {
  return p !== dir && p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

function isAtOrBelow(p: string, dir: string): boolean {
  return p === dir || isBelow(p, dir);
}

/** The real path of the deepest ancestor of p that exists. */
function deepestExisting(p: string): string {
  let dir = path.dirname(path.resolve(p));
  while (!fs.existsSync(dir)) dir = path.dirname(dir);
  return fs.realpathSync(dir);
}

function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The mount points of our mount namespace (the one a container's is copied from). */
function hostMountPoints(): string[] {
  const lines = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  // Field 5 is the mount point, with space, tab, newline and backslash octal-escaped.
  return lines.flatMap((line) => line.split(' ')[4]?.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))) ?? []);
}

/** The mount points below dir that are not below another of them (a recursive bind takes those along). */
function outermostBelow(dir: string, mountPoints: string[]): string[] {
  const below = [...new Set(mountPoints.filter((p) => isBelow(p, dir)))];
  return below.filter((p) => !below.some((q) => isBelow(p, q)));
}

function rootEntries(): RootEntry[] {
  return fs.readdirSync('/', { withFileTypes: true }).map((e): RootEntry => {
    if (e.isSymbolicLink()) return { name: e.name, kind: 'symlink', target: fs.readlinkSync(`/${e.name}`) };
    return { name: e.name, kind: e.isDirectory() ? 'dir' : 'file' };
  });
}

/** Overlayfs splits its options on commas and layers on colons; a backslash escapes them. */
function overlayOption(p: string): string {
  return p.replace(/[\\,:]/g, '\\$&');
}
