// The container runtime interface the kubelet drives (CRI's shape, in our terms): pod
// sandboxes (network, cgroup and namespaces a pod's containers share) and containers in them.
// Runtimes: `process` (host processes in the pod's sandbox) now, `oci` (crun) on the roadmap.
// State lives on disk under the runtime's root, so an agent restart re-adopts what still runs.

import type { Duplex, Readable, Writable } from 'node:stream';

export interface PodSandboxConfig {
  /** The pod's uid: sandboxes are found again by it after a restart. */
  uid: string;
  name: string;
  namespace: string;
  /** The pod's hostname (its name unless spec.hostname/subdomain say otherwise); host-network pods keep the host's. */
  hostname: string;
  hostNetwork: boolean;
  /** Whether containers see each other's processes (spec.shareProcessNamespace). */
  shareProcessNamespace: boolean;
  /** resolv.conf contents for the pod (cluster DNS later). */
  resolvConf?: string;
  /** Pod-level cgroup limits: the sum of the containers' (for the pod cgroup). */
  resources?: ResourceLimits;
  labels?: Record<string, string>;
}

export interface ResourceLimits {
  /** CPU limit in millicores (CFS quota). */
  cpuLimitMillis?: number;
  /** CPU request in millicores, as shares (0: the minimum, as upstream for none; unset: left as the parent's default). */
  cpuRequestMillis?: number;
  memoryLimitBytes?: number;
}

export interface SandboxStatus {
  id: string;
  uid: string;
  name: string;
  namespace: string;
  state: 'ready' | 'notready';
  /** The pod's IP (the node's IP for host-network pods). */
  ip?: string;
  createdAt: string;
}

export interface Mount {
  containerPath: string;
  hostPath: string;
  readOnly: boolean;
}

export interface ContainerConfig {
  name: string;
  /** The command line after $(VAR) expansion: command then args (the image's entrypoint has no meaning for the process runtime). */
  argv: string[];
  env: { name: string; value: string }[];
  workingDir?: string;
  mounts: Mount[];
  user?: { uid: number; gid: number; supplementalGroups?: number[] };
  tty: boolean;
  stdin: boolean;
  stdinOnce: boolean;
  resources?: ResourceLimits;
  /** Where its log goes (CRI log format: `<RFC3339Nano> <stream> <F|P> <line>`). */
  logPath: string;
  /** The restart this is (attempt number), as the kubelet counts it. */
  attempt: number;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerStatus {
  id: string;
  sandboxId: string;
  name: string;
  attempt: number;
  state: ContainerState;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  /** OOMKilled, Error, Completed... */
  reason?: string;
  message?: string;
  logPath: string;
}

export interface ExecOptions {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  tty: boolean;
  /** Terminal size changes (with tty). */
  resize?: AsyncIterable<{ width: number; height: number }>;
}

export interface AttachOptions {
  /** Written to the container's stdin; ignored when it has none (spec.stdin false), as containerd does. */
  stdin?: Readable;
  stdout?: Writable;
  /** Unused for a container with a terminal: its stderr is merged into stdout. */
  stderr?: Writable;
  /** Terminal size changes (for a container with a terminal). */
  resize?: AsyncIterable<{ width: number; height: number }>;
  /** Aborted when the client has gone: the attach ends. */
  signal?: AbortSignal;
}

export interface ContainerStats {
  /** CPU used since start, in nanoseconds. */
  cpuUsageNanos: number;
  memoryWorkingSetBytes: number;
  timestamp: string;
}

export interface ContainerRuntime {
  readonly name: string;
  readonly version: string;

  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  /** Stops every container of the sandbox and tears its network down (keeps its record). */
  stopPodSandbox(id: string): Promise<void>;
  removePodSandbox(id: string): Promise<void>;
  podSandboxStatus(id: string): Promise<SandboxStatus | undefined>;
  listPodSandboxes(): Promise<SandboxStatus[]>;

  createContainer(sandboxId: string, config: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after timeoutSeconds. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  containerStatus(id: string): Promise<ContainerStatus | undefined>;
  listContainers(sandboxId?: string): Promise<ContainerStatus[]>;

  /** Runs a command in the container's namespaces; resolves to its exit code. */
  exec(containerId: string, argv: string[], options: ExecOptions): Promise<number>;
  /**
   * Connects to a running container's stdio: its output from now on, and its stdin. Resolves
   * when the attach ends: the container exits, the client goes, or the attached stdin ends
   * (without stdinOnce, or with a terminal). With stdinOnce and no terminal, the end of the
   * attached stdin closes the container's stdin for good, and the output goes on to the exit.
   * Whether the container has a terminal is its own config's tty (upstream's kubelet passes
   * the spec's, never the client's).
   */
  attach(containerId: string, options: AttachOptions): Promise<void>;
  /** A connection to a port inside the pod's network namespace. */
  portForward(sandboxId: string, port: number): Promise<Duplex>;
  stats(containerId: string): Promise<ContainerStats | undefined>;
}
