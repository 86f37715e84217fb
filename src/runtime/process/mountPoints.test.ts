// Volumes whose mountPath is missing on the host: planned without root; as root, they appear
// inside the container (an overlay for /etc/..., a shadow root for a top-level path) while the
// host's filesystem and mount table never change. Uses a host-network pod (no bridge) and its
// own cgroup parent and root dir, all removed afterwards.

import { waitFor } from '../../../test/e2e/harness.ts';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import type { ContainerConfig, ContainerStatus } from '../runtime.ts';
import { removeCgroup } from './cgroups.ts';
import { planMountPoints } from './mountPoints.ts';
import { createProcessRuntime, type ProcessRuntime } from './processRuntime.ts';

const isRoot = process.getuid?.() === 0 && process.platform === 'linux';
const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-mounts-'));
const cgroupParent = `skiff-test-mounts-${process.pid}`;
const etcDir = `/etc/skiff-test-xyz-${process.pid}`;
const runDir = `/run/skiff-test-xyz-${process.pid}`;
const topDir = `/skiff-test-top-${process.pid}`;
const tmpDir = path.join(path.dirname(rootDir), `skiff-test-xyz-${process.pid}`);
const ourPaths = [rootDir, etcDir, runDir, topDir, tmpDir];
let runtime: ProcessRuntime | undefined;
if (isRoot) runtime = createProcessRuntime({ rootDir, mode: 'root', cgroupParent });

// Should the after hook not get to finish, remove what this file created before exiting.
process.on('exit', () => {
  if (!runtime) return;
  const cgroups = `/sys/fs/cgroup/${cgroupParent} /sys/fs/cgroup/*/${cgroupParent}`;
  const script = [
    `for d in ${cgroups}; do find "$d" -name cgroup.procs -exec cat {} + ; done 2>/dev/null | xargs -r kill -9`,
    `for i in 1 2 3 4 5 6 7 8 9 10; do for d in ${cgroups}; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + ; done 2>/dev/null; sleep 0.1; done`,
    `rm -rf ${rootDir}`,
  ].join('\n');
  execFileSync('sh', ['-c', script], { stdio: 'ignore' });
});

after(async () => {
  if (runtime) {
    for (const s of await runtime.listPodSandboxes()) await runtime.removePodSandbox(s.id);
    runtime.close();
    removeCgroup(cgroupParent);
    runtime = undefined;
  }
  fs.rmSync(rootDir, { recursive: true, force: true });
});

/** Lines of the host's mount table that are ours: anything at our paths or from our mounts. */
function ourHostMounts(): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => ourPaths.some((p) => line.includes(p)) || / - \S+ skiff-/.test(line));
}

function volume(name: string, files: Record<string, string>): string {
  const dir = path.join(rootDir, 'volumes', name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

function config(name: string, argv: string[], extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return { name, argv, env: [], mounts: [], tty: false, stdin: false, stdinOnce: false, logPath: path.join(rootDir, 'logs', `${name}.log`), attempt: 0, ...extra };
}

async function execOut(id: string, script: string): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({ write: (chunk, _enc, done) => ((out += chunk), done()) });
  const code = await runtime!.exec(id, ['sh', '-c', script], { stdout: sink, stderr: sink, tty: false });
  return { code, out };
}

function exited(id: string): Promise<ContainerStatus> {
  return waitFor(async () => {
    const s = await runtime!.containerStatus(id);
    return s?.state === 'exited' ? s : undefined;
  }, 10_000, `container ${id} to exit`);
}

test('paths that exist need no plan; a missing one is made under its deepest existing ancestor or in a shadow root', () => {
  const staging = path.join(rootDir, 'fs');
  const mount = (containerPath: string, hostPath = rootDir) => ({ containerPath, hostPath, readOnly: false });
  assert.equal(planMountPoints([], staging), undefined);
  assert.equal(planMountPoints([mount('/etc'), mount('/tmp')], staging), undefined);

  const underEtc = planMountPoints([mount(`${etcDir}/data`), mount(`${etcDir}/other/deeper`), mount('/etc/hosts')], staging)!;
  assert.deepEqual(underEtc.overlays.map((o) => o.dir), ['/etc'], 'one overlay for both');
  assert.deepEqual(underEtc.create, [{ path: `${etcDir}/data`, file: false }, { path: `${etcDir}/other/deeper`, file: false }]);
  assert.deepEqual(underEtc.stagedSources, []);
  assert.equal(underEtc.shadowRoot, undefined);

  const file = path.join(rootDir, 'a-file');
  fs.writeFileSync(file, '');
  const top = planMountPoints([mount(`${topDir}/sub`), mount(`${etcDir}/app.conf`, file), mount(`${topDir}/sub/inside`)], staging)!;
  assert.deepEqual(top.create, [{ path: `${topDir}/sub`, file: false }, { path: `${etcDir}/app.conf`, file: true }], 'a path inside another volume is that volume\'s');
  assert.ok(top.shadowRoot!.entries.some((e) => e.name === 'proc' && e.kind === 'dir'));

  // Under the directory holding the volumes: their sources are bound aside before the overlay, and the staging mount carried into it.
  const underTmp = planMountPoints([mount(path.join(path.dirname(rootDir), `skiff-test-xyz-${process.pid}`, 'data'))], staging)!;
  const tmp = fs.realpathSync(path.dirname(rootDir));
  assert.deepEqual(underTmp.overlays.map((o) => o.dir), [tmp]);
  assert.ok(underTmp.overlays[0]!.submounts.includes(path.join(fs.realpathSync(rootDir), 'fs')));
  assert.deepEqual(underTmp.stagedSources, [rootDir]);
});

test('volumes appear at missing mount paths inside the container only; the host never changes', { skip: !isRoot }, async () => {
  const rt = runtime!;
  assert.deepEqual(ourHostMounts(), []);
  const sandbox = await rt.runPodSandbox({ uid: `mounts-${process.pid}`, name: 'mounts', namespace: 'default', hostname: os.hostname(), hostNetwork: true, shareProcessNamespace: false });
  const data = volume('data', { greeting: 'hello from /etc' });
  const top = volume('top', { greeting: 'hello from the top' });
  const run = volume('run', { token: 'a token' });
  const conf = path.join(volume('conf', { 'app.conf': 'key=value' }), 'app.conf');
  const c = config('mounts', ['sleep', '60'], {
    workingDir: topDir,
    mounts: [
      { containerPath: `${etcDir}/data`, hostPath: data, readOnly: true },
      { containerPath: `${etcDir}/app.conf`, hostPath: conf, readOnly: true },
      { containerPath: `${runDir}/secrets`, hostPath: run, readOnly: false },
      { containerPath: topDir, hostPath: top, readOnly: false },
    ],
  });
  const id = await rt.createContainer(sandbox, c);
  await rt.startContainer(id);
  assert.equal((await rt.containerStatus(id))?.state, 'running', fs.existsSync(c.logPath) ? fs.readFileSync(c.logPath, 'utf8') : '');

  // Exec enters the same tree: the volumes, the working dir, and the host's /proc, /dev, /etc.
  const seen = await execOut(id, `pwd; cat greeting ${etcDir}/data/greeting ${etcDir}/app.conf ${runDir}/secrets/token; echo; cat /etc/hostname; tr '\\0' ' ' < /proc/1/cmdline; echo > /dev/null && echo devnull; ls /sys/fs/cgroup > /dev/null && echo sys`);
  assert.deepEqual(seen, { code: 0, out: `${topDir}\nhello from the tophello from /etckey=valuea token\n${fs.readFileSync('/etc/hostname', 'utf8')}sleep 60 devnull\nsys\n` });
  // Read-only stays read-only; a writable volume writes through to its host directory.
  const writes = await execOut(id, `touch ${etcDir}/data/x 2>/dev/null || echo read-only; echo hi > ${topDir}/written && echo written`);
  assert.deepEqual(writes, { code: 0, out: 'read-only\nwritten\n' });
  assert.equal(fs.readFileSync(path.join(top, 'written'), 'utf8'), 'hi\n');
  // Mounts below an overlaid directory are carried over; the staging mounts are not visible.
  const mountinfo = (await execOut(id, 'cat /proc/self/mountinfo')).out;
  if (fs.readFileSync('/proc/self/mountinfo', 'utf8').includes(' /run/netns ')) assert.match(mountinfo, / \/run\/netns /);
  assert.doesNotMatch(mountinfo, / - tmpfs skiff-staging /);
  assert.deepEqual(mountinfo.split('\n').filter((line) => line.split(' ')[4]?.startsWith(rootDir)), []);

  // Meanwhile the host has none of it.
  for (const p of [etcDir, runDir, topDir]) assert.ok(!fs.existsSync(p), `${p} on the host`);
  assert.deepEqual(ourHostMounts(), []);

  await rt.removePodSandbox(sandbox);
  for (const p of [etcDir, runDir, topDir]) assert.ok(!fs.existsSync(p), `${p} on the host`);
  assert.deepEqual(ourHostMounts(), []);
});

test('a container whose missing paths need only an overlay keeps the host\'s root', { skip: !isRoot }, async () => {
  const rt = runtime!;
  const sandbox = await rt.runPodSandbox({ uid: `overlay-${process.pid}`, name: 'overlay', namespace: 'default', hostname: os.hostname(), hostNetwork: true, shareProcessNamespace: false });
  const data = volume('only', { greeting: 'only an overlay' });
  const c = config('overlay', ['sh', '-c', `cat ${etcDir}/data/greeting; echo; grep -c ' / / ' /proc/self/mountinfo; grep -c ' - tmpfs skiff-' /proc/self/mountinfo; exit 0`], {
    mounts: [{ containerPath: `${etcDir}/data`, hostPath: data, readOnly: true }],
  });
  const id = await rt.createContainer(sandbox, c);
  await rt.startContainer(id);
  const status = await exited(id);
  const log = fs.readFileSync(c.logPath, 'utf8');
  assert.equal(status.exitCode, 0, log);
  assert.deepEqual(log.split('\n').filter(Boolean).map((l) => l.split(' ').slice(3).join(' ')), ['only an overlay', '1', '0']);
  assert.ok(!fs.existsSync(etcDir));
  await rt.removePodSandbox(sandbox);
  assert.deepEqual(ourHostMounts(), []);
});

test('a volume whose source is inside the overlaid directory is the real one, not the overlay\'s view of it', { skip: !isRoot }, async () => {
  const rt = runtime!;
  const sandbox = await rt.runPodSandbox({ uid: `staged-${process.pid}`, name: 'staged', namespace: 'default', hostname: os.hostname(), hostNetwork: true, shareProcessNamespace: false });
  // The overlay goes over the directory holding rootDir, so over the volumes and the staging dir too.
  const shared = volume('shared', {});
  const c = config('staged', ['sh', '-c', `echo written > ${tmpDir}/data/out && ls ${topDir}`], {
    mounts: [
      { containerPath: `${tmpDir}/data`, hostPath: shared, readOnly: false },
      { containerPath: topDir, hostPath: volume('elsewhere', { here: '' }), readOnly: true },
    ],
  });
  const id = await rt.createContainer(sandbox, c);
  await rt.startContainer(id);
  const status = await exited(id);
  assert.equal(status.exitCode, 0, fs.readFileSync(c.logPath, 'utf8'));
  assert.equal(fs.readFileSync(path.join(shared, 'out'), 'utf8'), 'written\n');
  assert.match(fs.readFileSync(c.logPath, 'utf8'), /stdout F here\n/);
  assert.ok(!fs.existsSync(tmpDir));
  await rt.removePodSandbox(sandbox);
  assert.deepEqual(ourHostMounts(), []);
});
