// End-to-end harness: a real `skiff server` in a temp dir on a free port, driven by the real
// kubectl. Every server started here is stopped (and its dir removed) by stop(), which tests
// call in `after`, and by a process exit hook if a test dies first.

import { spawn, type ChildProcess, execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { tryPidLock } from '../../src/cli/pidLock.ts';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
/** The skiff command as users run it (the Node flags and compile cache it sets included). */
export const skiffBin = join(root, 'bin/skiff');
/** Flags for a server that runs no controllers and no scheduler: the test runs its own. */
export const withoutControlLoops = ['--controllers=', '--disable-scheduler'];
export const kubectlBinary = process.env.KUBECTL ?? '/usr/bin/kubectl';
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Kills the child when the test process exits, if it is still running then. */
export function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export class SkiffServer {
  readonly dataDir: string;
  readonly kubeconfig: string;
  readonly #args: string[];
  /** With the built-in agent: the cluster CIDR lease this server holds (released by stop()). */
  #cidrLease: CidrLease | undefined;
  #child: ChildProcess | undefined;
  #output = '';
  port = 0;

  private constructor(dataDir: string, args: string[]) {
    this.dataDir = dataDir;
    this.kubeconfig = join(dataDir, 'kubeconfig');
    this.#args = args;
  }

  /**
   * Starts a server in a fresh temp dir (or the given one, to restart on the same data), with
   * extra command-line flags (e.g. withoutControlLoops, for tests that run their own).
   */
  static async start(dataDir?: string, port = 0, args: string[] = []): Promise<SkiffServer> {
    return SkiffServer.#start(dataDir, port, ['--disable-agent', ...args]);
  }

  /**
   * Starts a server with its built-in agent: a real node running real pods. Its pods get a
   * cluster CIDR of their own (a /20 of 10.42/16 no other test server holds), so two such
   * servers can run at once; stop() removes every pod process, namespace and cgroup it made.
   * (With `--disable-agent` in args: a server for a test that joins real agents of its own.)
   */
  static async startWithAgent(args: string[] = []): Promise<SkiffServer> {
    const lease = leaseClusterCidr();
    try {
      const server = await SkiffServer.#start(undefined, 0, ['--cluster-cidr', lease.cidr, '--service-cidr', lease.serviceCIDR, ...args], lease);
      return server;
    } catch (err) {
      lease.release();
      throw err;
    }
  }

  static async #start(dataDir: string | undefined, port: number, args: string[], cidrLease?: CidrLease): Promise<SkiffServer> {
    // Servers run side by side: the ingress takes free ports (tests read them from the output).
    const server = new SkiffServer(dataDir ?? (await mkdtemp(join(tmpdir(), 'skiff-e2e-'))), ['--ingress-http-port', '0', '--ingress-https-port', '0', ...args]);
    server.#cidrLease = cidrLease;
    try {
      await server.restart(port);
    } catch (err) {
      if (!dataDir) await server.stop();
      throw err;
    }
    return server;
  }

  /** (Re)starts the server process on this data dir; resolves once the kubeconfig is written. */
  async restart(port = this.port): Promise<void> {
    this.#output = '';
    await rm(this.kubeconfig, { force: true }); // so a stale one is not mistaken for readiness
    const child = spawn(skiffBin, ['server', '--data-dir', this.dataDir, '--port', String(port), '--host', '127.0.0.1', ...this.#args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    killOnExit(child);
    child.stdout!.on('data', (d) => (this.#output += d));
    child.stderr!.on('data', (d) => (this.#output += d));
    this.#child = child;
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`skiff server exited with ${child.exitCode}:\n${this.#output}`);
      return existsSync(this.kubeconfig);
    }, 30_000, 'the kubeconfig to appear');
    const config = await readFile(this.kubeconfig, 'utf8');
    this.port = Number(/server: https:\/\/127\.0\.0\.1:(\d+)/.exec(config)![1]);
  }

  /** The server process's pid (undefined once it has exited). */
  get pid(): number | undefined {
    return this.#child?.exitCode === null ? this.#child.pid : undefined;
  }

  /** The ports the server's ingress took (it serves on free ones here), once it says it listens. */
  async ingressPorts(): Promise<{ http: number; https: number }> {
    const [, http, https] = await waitFor(() => /skiff: ingress serving http on :(\d+), https on :(\d+)/.exec(this.#output), 20_000, 'the ingress to listen');
    return { http: Number(http), https: Number(https) };
  }

  get output(): string {
    return this.#output;
  }

  /** Stops the process: SIGTERM (clean) or SIGKILL (crash). */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(signal);
    return exited;
  }

  async stop(): Promise<void> {
    await this.kill('SIGKILL');
    if (this.#cidrLease) {
      // The agent leaves containers running for the next agent to adopt: remove them.
      const cleanup = await run(skiffBin, ['killall', '--data-dir', this.dataDir]);
      if (cleanup.code !== 0) console.error(`skiff killall failed (${cleanup.code}): ${cleanup.stderr}`);
      this.#cidrLease.release();
      this.#cidrLease = undefined;
    }
    await rm(this.dataDir, { recursive: true, force: true });
  }

  /** The pod sandboxes its built-in agent's runtime has on record (ids). */
  async sandboxIds(): Promise<string[]> {
    const dir = join(this.dataDir, 'agent', 'runtime', 'sandboxes');
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)) : [];
  }

  /** Runs kubectl against this server. */
  kubectl(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
    return run(kubectlBinary, args, { input: options.input, env: { KUBECONFIG: this.kubeconfig, ...options.env } });
  }

  /** Runs kubectl and fails the test with its output if it does not succeed. */
  async ok(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<string> {
    const result = await this.kubectl(args, options);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.code}):\n${result.stderr}${result.stdout}`);
    return result.stdout;
  }

  /** Runs kubectl and expects it to fail; returns stderr. */
  async fails(args: string[], options: { input?: string } = {}): Promise<string> {
    const result = await this.kubectl(args, options);
    if (result.code === 0) throw new Error(`kubectl ${args.join(' ')} succeeded but should have failed:\n${result.stdout}`);
    return result.stderr;
  }

  /** Starts kubectl in the background (for -w), collecting its output. */
  spawnKubectl(args: string[]): { child: ChildProcess; output: () => string } {
    const child = spawn(kubectlBinary, args, { env: { ...process.env, KUBECONFIG: this.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
    killOnExit(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    return { child, output: () => out };
  }
}

export function run(command: string, args: string[], options: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = execFile(command, args, { env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0;
      resolvePromise({ stdout: String(stdout), stderr: String(stderr), code });
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
    else child.stdin!.end();
  });
}

/** What waitFor resolves with: check()'s value once it is truthy. */
export type Truthy<T> = Exclude<T, undefined | null | false | 0 | ''>;

/** Polls until check() is truthy, or fails after timeoutMs naming what it waited for. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs: number, what: string): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  for (;;) {
    const value = await check();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 200);
  }
}

interface CidrLease {
  cidr: string;
  /** Its own service range too: the host reaching a ClusterIP must mean one cluster. */
  serviceCIDR: string;
  release(): void;
}

/** One of the /20s of 10.42/16 (and of 10.43/16 for Services), held through a lock file naming this process. */
function leaseClusterCidr(): CidrLease {
  // Not the first /20: unit tests of the runtime and kubelet use the default 10.42.0.0/24.
  for (let i = 1; i < 16; i++) {
    const lock = tryPidLock(join(tmpdir(), `skiff-e2e-cidr-${i}.lock`));
    if ('release' in lock) return { cidr: `10.42.${i * 16}.0/20`, serviceCIDR: `10.43.${i * 16}.0/20`, release: lock.release };
  }
  throw new Error('all fifteen test cluster CIDRs are in use');
}
