// The `process` container runtime: each container is a host process started from the host's
// filesystem. As root, a pod gets a network namespace on the node bridge, a cgroup per pod
// and container, and each container its own mount, UTS, IPC and PID namespaces. Without
// root, containers are plain processes and each pod gets a unique loopback IP.
//
// All state is on disk under rootDir (sandboxes/<id>.json, containers/<id>/container.json),
// so a new instance over the same dir re-adopts what still runs. A running container is
// known by its shim's pid plus start time (procStat.ts), never by pid alone; the shim writes
// the exit code to disk itself, so an exit is recorded even while no runtime is up, and a
// status query observes it by checking /proc (status is derived on every read, no watcher).

import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Duplex } from 'node:stream';
import { promisify } from 'node:util';
import type { ContainerConfig, ContainerRuntime, ContainerStats, ContainerStatus, PodSandboxConfig, SandboxStatus } from '../runtime.ts';
import { cgroupPids, cgroupProcsFiles, cgroupUsage, createCgroup, oomKills, removeCgroup } from './cgroups.ts';
import type { CriLogOptions } from './criLog.ts';
import { attachStreams, stdinOpened } from './attach.ts';
import { hasStdinFifo, isLaunching, quote, shimArgv } from './launch.ts';
import { pumpLogs, type LogPump } from './logPump.ts';
import { planMountPoints, volumeMountLines } from './mountPoints.ts';
import { startPodHolder, stopPodHolder, type PodHolder } from './podHolder.ts';
import { allocateIp, bridgeNameFor, ensureNodeNetwork, LOOPBACK_POOL, loopbackRangeFor, netnsPath, removeNodeNetwork, setUpPodNetwork, tearDownPodNetwork, type NodeNetwork } from './podNetwork.ts';
import { identify, isRunning, waitGone, type ProcessIdentity } from './procStat.ts';
import { applyTerminalSizes, onTerminal } from './terminal.ts';

const run = promisify(execFile);

export interface ProcessRuntimeOptions {
  rootDir: string;
  /** The node's pod range (root: the bridge's; without root: mirrored in 127/8 for loopback pod IPs). */
  podCIDR?: string;
  /** 'auto': root features when running as root. */
  mode: 'auto' | 'root' | 'rootless';
  /** Node bridge name; by default derived from the podCIDR (bridgeNameFor), so nodes never share one. */
  bridge?: string;
  /** Cgroup path prefix under each hierarchy. */
  cgroupParent?: string;
  /** Ranges given `unreachable` host routes so they never leave the machine. */
  rejectCIDRs?: string[];
  log?: CriLogOptions;
}

export interface ProcessRuntime extends ContainerRuntime {
  readonly mode: 'root' | 'rootless';
  readonly network?: NodeNetwork;
  /** Stops reading logs; containers keep running for the next instance to adopt. */
  close(): void;
  /**
   * Root mode: removes the node's bridge, its rules and (when no other node's bridge needs
   * them) the reject routes, unless a sandbox still uses it. Resolves to whether it did.
   */
  cleanUpNode(): Promise<boolean>;
  /** Root mode: the node's bridge (holding the podCIDR's gateway address) and its rules, made now rather than with the first pod. */
  ensureNetwork(): Promise<void>;
}

interface SandboxRecord {
  id: string;
  config: PodSandboxConfig;
  state: 'ready' | 'notready';
  ip: string;
  createdAt: string;
  /** Root mode: the process holding the pod's shared namespaces. */
  holder?: PodHolder;
}

interface ContainerRecord {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  state: 'created' | 'running' | 'exited';
  createdAt: string;
  startedAt?: string;
  shim?: ProcessIdentity;
  finishedAt?: string;
  exitCode?: number;
  reason?: string;
  message?: string;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** The cluster's pod and service ranges. */
const defaultRejectCIDRs = ['10.42.0.0/16', '10.43.0.0/16'];

export function createProcessRuntime(options: ProcessRuntimeOptions): ProcessRuntime {
  const isRoot = process.getuid?.() === 0 && process.platform === 'linux';
  if (options.mode === 'root' && !isRoot) throw new Error('the process runtime in root mode needs root on Linux');
  const mode = options.mode === 'auto' ? (isRoot ? 'root' : 'rootless') : options.mode;
  // The network the node set up is remembered, so an instance opened without a podCIDR (to
  // clean the node up) still knows its bridge.
  const networkFile = path.join(options.rootDir, 'network.json');
  const podCIDR = options.podCIDR ?? '10.42.0.0/24';
  const network: NodeNetwork | undefined =
    mode !== 'root'
      ? undefined
      : options.podCIDR === undefined && options.bridge === undefined
        ? (readJson<NodeNetwork>(networkFile) ?? { bridge: bridgeNameFor(podCIDR), podCIDR, rejectCIDRs: options.rejectCIDRs ?? defaultRejectCIDRs })
        : { bridge: options.bridge ?? bridgeNameFor(podCIDR), podCIDR, rejectCIDRs: options.rejectCIDRs ?? defaultRejectCIDRs };
  // Without root, pods get loopback addresses: from the podCIDR's mirror in 127/8 when there is one.
  const podRange = network?.podCIDR ?? (options.podCIDR === undefined ? LOOPBACK_POOL : loopbackRangeFor(options.podCIDR));
  const cgroupParent = options.cgroupParent ?? 'skiff';
  const sandboxDir = path.join(options.rootDir, 'sandboxes');
  const containerDir = path.join(options.rootDir, 'containers');
  fs.mkdirSync(sandboxDir, { recursive: true });
  fs.mkdirSync(containerDir, { recursive: true });
  let networkReady: Promise<void> | undefined;
  const pumps = new Map<string, LogPump>();
  let lastPodIp: string | undefined;

  const sandboxFile = (id: string) => path.join(sandboxDir, `${id}.json`);
  const containerFile = (id: string, name = 'container.json') => path.join(containerDir, id, name);
  const podCgroup = (sandboxId: string) => `${cgroupParent}/${sandboxId}`;
  const containerCgroup = (r: ContainerRecord) => `${cgroupParent}/${r.sandboxId}/${r.id}`;

  // Records as last read or written: this instance is their only writer while it runs (the data
  // dir's lock), and the kubelet lists every container each second.
  const records = new Map<string, SandboxRecord | ContainerRecord>();
  function readRecord<T extends SandboxRecord | ContainerRecord>(file: string): T | undefined {
    const known = records.get(file);
    if (known) return known as T;
    const read = readJson<T>(file);
    if (read) records.set(file, read);
    return read;
  }
  function writeRecord(file: string, record: SandboxRecord | ContainerRecord): void {
    writeJson(file, record);
    records.set(file, record);
  }
  function readSandbox(id: string): SandboxRecord | undefined {
    return readRecord(sandboxFile(id));
  }
  function readContainer(id: string): ContainerRecord | undefined {
    return readRecord(containerFile(id));
  }
  function allSandboxes(): SandboxRecord[] {
    return fs.readdirSync(sandboxDir).flatMap((f) => (f.endsWith('.json') ? (readSandbox(f.slice(0, -5)) ?? []) : []));
  }
  function allContainers(): ContainerRecord[] {
    return fs.readdirSync(containerDir).flatMap((id) => readContainer(id) ?? []);
  }

  function startPump(r: ContainerRecord): void {
    const pump = pumpLogs({ stdout: containerFile(r.id, 'stdout'), stderr: containerFile(r.id, 'stderr') }, r.config.logPath, options.log);
    pumps.set(r.id, pump);
    void pump.done.then(() => {
      if (pumps.get(r.id) === pump) pumps.delete(r.id);
    });
  }

  /** Derives the current state: a running record whose shim has gone is finalized from the exit file. */
  function refresh(r: ContainerRecord): ContainerRecord {
    if (r.state !== 'running' || (r.shim && isRunning(r.shim))) return r;
    const [code, finishedAt] = readOr(containerFile(r.id, 'exit'), '').trim().split(' ');
    const exitCode = code ? Number(code) : 137;
    const oom = mode === 'root' && oomKills(containerCgroup(r)) > 0;
    const done: ContainerRecord = {
      ...r,
      state: 'exited',
      exitCode,
      finishedAt: finishedAt ?? new Date().toISOString(),
      reason: oom ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error',
      ...(code ? {} : { message: 'the container shim was killed; its exit code is unknown' }),
    };
    writeRecord(containerFile(r.id), done);
    return done;
  }

  function toStatus(r: ContainerRecord): ContainerStatus {
    return {
      id: r.id,
      sandboxId: r.sandboxId,
      name: r.config.name,
      attempt: r.config.attempt,
      state: r.state,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      exitCode: r.exitCode,
      reason: r.reason,
      message: r.message,
      logPath: r.config.logPath,
    };
  }

  function sandboxStatus(s: SandboxRecord): SandboxStatus {
    return { id: s.id, uid: s.config.uid, name: s.config.name, namespace: s.config.namespace, state: s.state, ip: s.ip, createdAt: s.createdAt };
  }

  /**
   * The process holding the container's namespaces: the first descendant of the shim in another
   * PID namespace (without root, the shim's child: the container, or script(1) with a terminal).
   */
  function containerPid(r: ContainerRecord): number | undefined {
    if (!r.shim || !isRunning(r.shim)) return undefined;
    const shimNs = readLink(`/proc/${r.shim.pid}/ns/pid`);
    let pid = r.shim.pid;
    for (let depth = 0; depth < 5; depth++) {
      const child = firstChild(pid);
      if (!child) return undefined;
      if (mode === 'rootless' || readLink(`/proc/${child}/ns/pid`) !== shimNs) return child;
      pid = child;
    }
    return undefined;
  }

  function commandStarted(r: ContainerRecord): boolean {
    const pid = containerPid(r);
    if (pid === undefined) return false;
    // An empty cmdline (read while the process is mid-exec, or gone) says nothing yet.
    const cmdline = readOr(`/proc/${pid}/cmdline`, '');
    return cmdline !== '' && !isLaunching(cmdline.split('\0'));
  }

  function containerEnv(r: ContainerRecord, sandbox: SandboxRecord | undefined): Record<string, string> {
    const env: Record<string, string> = { PATH: DEFAULT_PATH, HOSTNAME: sandbox?.config.hostname ?? os.hostname() };
    for (const { name, value } of r.config.env) env[name] = value;
    return env;
  }

  async function stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    const r = readContainer(id);
    if (!r || r.state !== 'running' || !r.shim || !isRunning(r.shim)) return;
    // Without root the shim's group holds just the container's processes (the shim traps
    // SIGTERM). As root, nsenter's forking parent would die of it, so SIGTERM goes to the
    // container's main process, PID 1 of its namespace, as upstream runtimes do.
    const main = mode === 'root' ? containerPid(r) : undefined;
    if (main !== undefined) signal(main, 'SIGTERM');
    else signalGroup(r.shim.pid, 'SIGTERM');
    if (!(await waitGone(r.shim, Date.now() + Math.max(0, timeoutSeconds) * 1000))) {
      // As root every process of the container's cgroup but the shim, which records the exit;
      // without root (or should that not do) the shim's whole group.
      if (mode === 'root') for (const pid of cgroupPids(containerCgroup(r))) if (pid !== r.shim.pid) signal(pid, 'SIGKILL');
      if (mode === 'rootless' || !(await waitGone(r.shim, Date.now() + 5000))) signalGroup(r.shim.pid, 'SIGKILL');
      await waitGone(r.shim, Date.now() + 10_000);
      // When the shim died with its group, the container's exit is the SIGKILL's.
      if (!fs.existsSync(containerFile(id, 'exit'))) fs.writeFileSync(containerFile(id, 'exit'), `137 ${new Date().toISOString()}\n`);
    }
    refresh(r);
  }

  async function teardownSandbox(s: SandboxRecord): Promise<void> {
    for (const c of allContainers()) if (c.sandboxId === s.id) await stopContainer(c.id, 0);
    if (s.holder) await stopPodHolder(s.holder);
    // The holder's PID 1 can still be exiting once the holder has gone; its cgroup can only
    // be removed when it has.
    const deadline = Date.now() + 5000;
    while (mode === 'root' && cgroupPids(podCgroup(s.id)).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    if (mode === 'root' && !s.config.hostNetwork) await tearDownPodNetwork(s.config.uid);
  }

  // Re-adoption: keep collecting the logs of the containers a previous instance started.
  for (const r of allContainers()) if (refresh(r).state === 'running') startPump(r);

  return {
    name: 'process',
    version: '0.1.0',
    mode,
    network,

    async ensureNetwork() {
      if (!network) return;
      networkReady ??= ensureNodeNetwork(network).then(
        () => writeJson(networkFile, network),
        (error: unknown) => {
          networkReady = undefined;
          throw error;
        },
      );
      await networkReady;
    },

    async runPodSandbox(config) {
      const id = randomBytes(16).toString('hex');
      if (!config.hostNetwork) await this.ensureNetwork();
      // From reading the used addresses to writing the record nothing awaits, so concurrent
      // calls never pick the same address; the record is written before the slower setup.
      const sandboxes = allSandboxes();
      const used = new Set(sandboxes.map((s) => s.ip));
      // Round robin from the last address given (after a restart, the newest pod's).
      lastPodIp ??= sandboxes.filter((s) => !s.config.hostNetwork).sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1)?.ip;
      const ip = config.hostNetwork ? hostIp() : (lastPodIp = allocateIp(podRange, used, lastPodIp));
      const record: SandboxRecord = { id, config, state: 'ready', ip, createdAt: new Date().toISOString() };
      writeRecord(sandboxFile(id), record);
      try {
        if (mode === 'root') {
          createCgroup(podCgroup(id), config.resources);
          if (network && !config.hostNetwork) await setUpPodNetwork(network, config.uid, ip);
          record.holder = await startPodHolder(config.hostNetwork ? { hostNetwork: true } : { hostname: config.hostname, netnsPath: netnsPath(config.uid) }, cgroupProcsFiles(podCgroup(id)));
          writeRecord(sandboxFile(id), record);
        }
      } catch (error) {
        if (mode === 'root') {
          if (!config.hostNetwork) await tearDownPodNetwork(config.uid);
          removeCgroup(podCgroup(id));
        }
        fs.rmSync(sandboxFile(id), { force: true });
        records.delete(sandboxFile(id));
        throw error;
      }
      return id;
    },

    async stopPodSandbox(id) {
      const s = readSandbox(id);
      if (!s) return;
      await teardownSandbox(s);
      writeRecord(sandboxFile(id), { ...s, state: 'notready' });
    },

    async removePodSandbox(id) {
      const s = readSandbox(id);
      if (!s) return;
      await teardownSandbox(s);
      for (const c of allContainers()) if (c.sandboxId === id) await this.removeContainer(c.id);
      if (mode === 'root') removeCgroup(podCgroup(id));
      fs.rmSync(sandboxFile(id), { force: true });
      records.delete(sandboxFile(id));
    },

    async podSandboxStatus(id) {
      const s = readSandbox(id);
      return s && sandboxStatus(s);
    },

    async listPodSandboxes() {
      return allSandboxes().map(sandboxStatus);
    },

    async createContainer(sandboxId, config) {
      const s = readSandbox(sandboxId);
      if (!s) throw new Error(`pod sandbox ${sandboxId} not found`);
      if (s.state !== 'ready') throw new Error(`pod sandbox ${sandboxId} is not ready`);
      const id = randomBytes(16).toString('hex');
      fs.mkdirSync(path.join(containerDir, id));
      const stdin = hasStdinFifo(config) ? [containerFile(id, 'stdin'), containerFile(id, 'stdin.keeper')] : [];
      await run('mkfifo', ['-m', '600', containerFile(id, 'stdout'), containerFile(id, 'stderr'), ...stdin]);
      fs.mkdirSync(path.dirname(config.logPath), { recursive: true });
      const record: ContainerRecord = { id, sandboxId, config, state: 'created', createdAt: new Date().toISOString() };
      if (mode === 'root') createCgroup(containerCgroup(record), config.resources);
      writeRecord(containerFile(id), record);
      return id;
    },

    async startContainer(id) {
      const r = readContainer(id);
      if (!r) throw new Error(`container ${id} not found`);
      if (r.state !== 'created') throw new Error(`container ${id} is ${r.state}, not created`);
      const s = readSandbox(r.sandboxId);
      // As root, missing mount paths are made inside the container's mount namespace.
      const mountPoints = mode === 'root' ? planMountPoints(r.config.mounts, containerFile(id, 'fs')) : undefined;
      startPump(r);
      const child = spawn(
        '/bin/sh',
        shimArgv(r.config, {
          mode,
          podInitPid: s?.holder?.initPid,
          sharePid: s?.config.shareProcessNamespace,
          exitFile: containerFile(id, 'exit'),
          stdoutFifo: containerFile(id, 'stdout'),
          stderrFifo: containerFile(id, 'stderr'),
          stdinFifo: hasStdinFifo(r.config) ? containerFile(id, 'stdin') : undefined,
          cgroupProcsFiles: mode === 'root' ? cgroupProcsFiles(containerCgroup(r)) : [],
          volumeMounts: volumeMountLines(r.config.mounts, mountPoints),
        }),
        { detached: true, stdio: 'ignore', env: containerEnv(r, s) },
      );
      const shim = child.pid !== undefined ? identify(child.pid) : undefined;
      // Reap the shim when it exits while we run; a later instance sees it gone in /proc.
      child.on('error', () => {});
      child.unref();
      if (!shim) {
        pumps.get(id)?.detach();
        throw new Error(`container ${id} could not be started`);
      }
      const started: ContainerRecord = { ...r, state: 'running', shim, startedAt: new Date().toISOString() };
      writeRecord(containerFile(id), started);
      // As root, started means its init has set up its namespaces and mounts and run its
      // command (exec and stop need its main process, and exec must see the mounts). With
      // stdin, that the shim has opened it (an attach right away must have a reader to write to).
      const stdinFifo = hasStdinFifo(r.config) ? containerFile(id, 'stdin') : undefined;
      const ready = () => (mode === 'rootless' || commandStarted(started)) && (stdinFifo === undefined || stdinOpened(stdinFifo));
      // Milliseconds normally; a loaded machine building a shadow root can take seconds.
      const deadline = Date.now() + 30_000;
      while (!ready() && isRunning(shim) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    },

    stopContainer,

    async removeContainer(id) {
      const r = readContainer(id);
      if (!r) return;
      await stopContainer(id, 0);
      const pump = pumps.get(id);
      if (pump) {
        // A process the container left behind may still hold the pipes open: stop waiting then.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([pump.done, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
        clearTimeout(timer);
        pump.detach();
      }
      if (mode === 'root') removeCgroup(containerCgroup(r));
      fs.rmSync(path.join(containerDir, id), { recursive: true, force: true });
      records.delete(containerFile(id));
    },

    async containerStatus(id) {
      const r = readContainer(id);
      return r && toStatus(refresh(r));
    },

    async listContainers(sandboxId) {
      return allContainers()
        .filter((r) => sandboxId === undefined || r.sandboxId === sandboxId)
        .map((r) => toStatus(refresh(r)));
    },

    async exec(containerId, argv, execOptions) {
      const r = readContainer(containerId);
      if (!r) throw new Error(`container ${containerId} not found`);
      const s = readSandbox(r.sandboxId);
      let command = argv;
      if (mode === 'root') {
        const pid = containerPid(refresh(r));
        if (pid === undefined) throw new Error(`container ${containerId} is not running`);
        const user = r.config.user ? ['setpriv', `--reuid=${r.config.user.uid}`, `--regid=${r.config.user.gid}`, '--clear-groups', '--'] : [];
        // nsenter's --wd=DIR is opened before it enters the namespaces: the working dir is
        // entered inside them instead, where volumes and created mount paths are.
        const chdir = ['/bin/sh', '-c', 'cd "$0" && exec "$@"', r.config.workingDir || '/'];
        command = ['nsenter', `--target=${pid}`, '--mount', '--uts', '--ipc', '--pid', '--net', '--', ...chdir, ...user, ...argv];
      }
      if (execOptions.tty) command = onTerminal(command.map(quote).join(' '));
      const child = spawn(command[0]!, command.slice(1), {
        cwd: mode === 'rootless' ? r.config.workingDir || undefined : undefined,
        env: containerEnv(r, s),
        stdio: [execOptions.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
      if (execOptions.stdin && child.stdin) {
        child.stdin.on('error', () => {});
        execOptions.stdin.pipe(child.stdin);
      }
      if (execOptions.stdout) child.stdout!.pipe(execOptions.stdout, { end: false });
      else child.stdout!.resume();
      if (execOptions.stderr) child.stderr!.pipe(execOptions.stderr, { end: false });
      else child.stderr!.resume();
      let running = child.pid !== undefined;
      child.on('exit', () => (running = false));
      if (execOptions.tty && execOptions.resize && child.pid !== undefined) {
        void applyTerminalSizes(child.pid, execOptions.resize, () => running).catch(() => {});
      }
      return new Promise<number>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, sig) => resolve(code ?? 128 + (sig ? os.constants.signals[sig] : 0)));
      });
    },

    async attach(containerId, attachOptions) {
      const r = readContainer(containerId);
      const pump = pumps.get(containerId);
      if (!r || refresh(r).state !== 'running' || !r.shim || !pump) throw new Error(`container ${containerId} is not running`);
      return attachStreams(
        {
          pump,
          // A terminal without stdin has a FIFO too, which no attach writes to.
          stdinFifo: r.config.stdin ? containerFile(containerId, 'stdin') : undefined,
          stdinOnce: r.config.stdinOnce,
          tty: r.config.tty,
          terminalPid: r.config.tty ? firstChild(r.shim.pid) : undefined,
        },
        attachOptions,
      );
    },

    async portForward(sandboxId, port) {
      const s = readSandbox(sandboxId);
      if (!s) throw new Error(`pod sandbox ${sandboxId} not found`);
      if (mode === 'root' && !s.config.hostNetwork) {
        // A relay inside the pod's network namespace, so the pod's own 127.0.0.1 is reachable.
        const relay = `const s=require('net').connect(${Number(port)},'127.0.0.1');process.stdin.pipe(s);s.pipe(process.stdout);s.on('error',e=>{process.stderr.write(e.message);process.exit(1)})`;
        const child = spawn('nsenter', [`--net=${netnsPath(s.config.uid)}`, '--', process.execPath, '-e', relay], { stdio: ['pipe', 'pipe', 'ignore'] });
        const duplex = Duplex.from({ readable: child.stdout, writable: child.stdin });
        duplex.on('close', () => child.kill());
        return duplex;
      }
      const socket = net.connect(port, s.ip);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      return socket;
    },

    async stats(containerId) {
      const r = readContainer(containerId);
      if (!r || refresh(r).state !== 'running') return undefined;
      const usage = mode === 'root' ? cgroupUsage(containerCgroup(r)) : processUsage(containerPid(r));
      return usage && { ...usage, timestamp: new Date().toISOString() };
    },

    close() {
      for (const pump of pumps.values()) pump.detach();
      pumps.clear();
    },

    async cleanUpNode() {
      if (!network) return false;
      if (allSandboxes().some((s) => s.state === 'ready' && !s.config.hostNetwork)) return false;
      await networkReady?.catch(() => {});
      networkReady = undefined;
      await removeNodeNetwork(network);
      fs.rmSync(networkFile, { force: true });
      return true;
    },
  };
}

/** Without cgroups: the container's main process (and its reaped children), from /proc. */
function processUsage(pid: number | undefined): Omit<ContainerStats, 'timestamp'> | undefined {
  if (pid === undefined) return undefined;
  const stat = readOr(`/proc/${pid}/stat`, '');
  const statm = readOr(`/proc/${pid}/statm`, '');
  if (!stat || !statm) return undefined;
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  const ticks = f[11]! + f[12]! + f[13]! + f[14]!; // utime stime cutime cstime
  const tickNanos = 1e9 / 100; // USER_HZ is 100 on Linux
  const pageSize = 4096;
  return { cpuUsageNanos: ticks * tickNanos, memoryWorkingSetBytes: Number(statm.split(' ')[1]) * pageSize };
}

/** The oldest child of a process (0 when it has none). */
function firstChild(pid: number): number {
  return Number(readOr(`/proc/${pid}/task/${pid}/children`, '').trim().split(' ')[0]);
}

function hostIp(): string {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  signal(-pgid, sig);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

function readJson<T>(file: string): T | undefined {
  const text = readOr(file, '');
  return text ? (JSON.parse(text) as T) : undefined;
}

/** Written to a temporary file then renamed, so a crash never leaves half a record. */
function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(value));
  fs.renameSync(`${file}.tmp`, file);
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function readLink(file: string): string | undefined {
  try {
    return fs.readlinkSync(file);
  } catch {
    return undefined;
  }
}
