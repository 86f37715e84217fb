// A ContainerRuntime in memory for the kubelet's tests: containers "run" until the test
// makes them exit, stops are recorded with their grace, exec answers from a handler the test
// sets, stats from another, and sandboxes get loopback IPs.

import { PassThrough, type Duplex } from 'node:stream';
import type { AttachOptions, ContainerConfig, ContainerRuntime, ContainerStats, ContainerStatus, ExecOptions, PodSandboxConfig, SandboxStatus } from '../../../runtime/runtime.ts';

export interface FakeContainer {
  status: ContainerStatus;
  config: ContainerConfig;
  sandboxId: string;
}

export class FakeRuntime implements ContainerRuntime {
  readonly name = 'skiff-process';
  readonly version = '0.0.1-fake';
  readonly sandboxes = new Map<string, SandboxStatus & { config: PodSandboxConfig }>();
  readonly containers = new Map<string, FakeContainer>();
  /** Every stop: container name and grace given. */
  readonly stops: { name: string; timeoutSeconds: number; at: number }[] = [];
  /** Every exec: container name and argv. */
  readonly execs: { name: string; argv: string[] }[] = [];
  /** Answers exec (probes, hooks): exit code. Default 0. */
  execHandler: (container: FakeContainer, argv: string[]) => number | Promise<number> = () => 0;
  /** Answers stats: a running container's usage. Default none. */
  statsHandler: (container: FakeContainer) => ContainerStats | undefined = () => undefined;
  /** Exit code a stopped container reports (137: killed; 143 for one that exits on SIGTERM). */
  stopExitCode = 137;
  #next = 1;

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = `sb${this.#next++}`;
    this.sandboxes.set(id, { id, uid: config.uid, name: config.name, namespace: config.namespace, state: 'ready', ip: `127.0.1.${this.#next}`, createdAt: new Date().toISOString(), config });
    return id;
  }
  async stopPodSandbox(id: string): Promise<void> {
    for (const c of this.containers.values()) if (c.sandboxId === id && c.status.state === 'running') this.finish(c, this.stopExitCode, 'Error');
    const sb = this.sandboxes.get(id);
    if (sb) sb.state = 'notready';
  }
  async removePodSandbox(id: string): Promise<void> {
    await this.stopPodSandbox(id);
    for (const [cid, c] of this.containers) if (c.sandboxId === id) this.containers.delete(cid);
    this.sandboxes.delete(id);
  }
  async podSandboxStatus(id: string): Promise<SandboxStatus | undefined> {
    return this.sandboxes.get(id);
  }
  async listPodSandboxes(): Promise<SandboxStatus[]> {
    return [...this.sandboxes.values()];
  }
  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    if (!this.sandboxes.has(sandboxId)) throw new Error(`no sandbox ${sandboxId}`);
    const id = `c${this.#next++}`;
    const status: ContainerStatus = { id, sandboxId, name: config.name, attempt: config.attempt, state: 'created', createdAt: new Date().toISOString(), logPath: config.logPath };
    this.containers.set(id, { status, config, sandboxId });
    return id;
  }
  async startContainer(id: string): Promise<void> {
    const c = this.#get(id);
    c.status.state = 'running';
    c.status.startedAt = new Date().toISOString();
  }
  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    const c = this.#get(id);
    this.stops.push({ name: c.config.name, timeoutSeconds, at: Date.now() });
    if (c.status.state === 'running') this.finish(c, this.stopExitCode, this.stopExitCode === 0 ? 'Completed' : 'Error');
  }
  async removeContainer(id: string): Promise<void> {
    this.containers.delete(id);
  }
  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    return this.containers.get(id)?.status;
  }
  async listContainers(sandboxId?: string): Promise<ContainerStatus[]> {
    return [...this.containers.values()].filter((c) => !sandboxId || c.sandboxId === sandboxId).map((c) => ({ ...c.status }));
  }
  async exec(containerId: string, argv: string[], _options: ExecOptions): Promise<number> {
    const c = this.#get(containerId);
    this.execs.push({ name: c.config.name, argv });
    return this.execHandler(c, argv);
  }
  /** Ends at once, as an attach to a container that exits. */
  async attach(containerId: string, _options: AttachOptions): Promise<void> {
    this.#get(containerId);
  }
  async portForward(): Promise<Duplex> {
    return new PassThrough();
  }
  async stats(id: string): Promise<ContainerStats | undefined> {
    const c = this.containers.get(id);
    return c?.status.state === 'running' ? this.statsHandler(c) : undefined;
  }

  // ---- test controls

  /** The newest container of that name (in any sandbox). */
  latest(name: string): FakeContainer | undefined {
    let found: FakeContainer | undefined;
    for (const c of this.containers.values()) if (c.config.name === name && (!found || c.status.attempt >= found.status.attempt)) found = c;
    return found;
  }

  /** Makes the newest running container of that name exit. */
  exit(name: string, exitCode: number, reason = exitCode === 0 ? 'Completed' : 'Error'): void {
    const c = this.latest(name);
    if (!c || c.status.state !== 'running') throw new Error(`no running container ${name}`);
    this.finish(c, exitCode, reason);
  }

  finish(c: FakeContainer, exitCode: number, reason: string): void {
    c.status.state = 'exited';
    c.status.exitCode = exitCode;
    c.status.reason = reason;
    c.status.finishedAt = new Date().toISOString();
  }

  #get(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw new Error(`no container ${id}`);
    return c;
  }
}
