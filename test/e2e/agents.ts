// Simulated clusters for end-to-end tests: `skiff agent --simulate N` processes joined to a
// SkiffServer with its node token, and what tests ask of their pods and Deployments. Every
// agent started here is killed by stop() (startCluster calls it when the test ends), and by
// the harness's exit hook if a test dies first.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { killOnExit, skiffBin, SkiffServer, waitFor } from './harness.ts';

export interface AgentOptions {
  /** Nodes are <nodeName>-0 .. <nodeName>-<count-1>. */
  nodeName: string;
  count: number;
  labels?: Record<string, string>;
  /** key=value:Effect, as --node-taints takes them. */
  taints?: string[];
  capacity?: Record<string, string>;
  leaseDurationSeconds?: number;
  /** How long simulated pods stay ContainerCreating. */
  startDelayMs?: number;
}

export class SimulatedAgent {
  readonly nodeNames: string[];
  readonly #child: ChildProcess;
  #output = '';

  private constructor(child: ChildProcess, nodeNames: string[]) {
    this.#child = child;
    this.nodeNames = nodeNames;
    child.stdout!.on('data', (d) => (this.#output += d));
    child.stderr!.on('data', (d) => (this.#output += d));
  }

  /** Starts an agent against the server; resolves once all its nodes are registered (and Ready). */
  static async start(server: SkiffServer, options: AgentOptions): Promise<SimulatedAgent> {
    const token = (await readFile(join(server.dataDir, 'node-token'), 'utf8')).trim();
    const args = ['agent', '--server', `https://127.0.0.1:${server.port}`, '--token', token, '--ca-file', join(server.dataDir, 'ca.crt')];
    args.push('--simulate', String(options.count), '--node-name', options.nodeName);
    if (options.labels) args.push('--node-labels', keyValues(options.labels));
    if (options.taints) args.push('--node-taints', options.taints.join(','));
    if (options.capacity) args.push('--node-capacity', keyValues(options.capacity));
    if (options.leaseDurationSeconds) args.push('--node-lease-duration-seconds', String(options.leaseDurationSeconds));
    if (options.startDelayMs) args.push('--start-delay-ms', String(options.startDelayMs));
    const child = spawn(skiffBin, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    killOnExit(child);
    const agent = new SimulatedAgent(child, Array.from({ length: options.count }, (_, i) => `${options.nodeName}-${i}`));
    try {
      await waitFor(() => {
        if (child.exitCode !== null) throw new Error(`skiff agent exited with ${child.exitCode}:\n${agent.output}`);
        return /simulated nodes registered/.test(agent.output);
      }, 30_000, `agent ${options.nodeName} to register its nodes`);
    } catch (err) {
      await agent.stop();
      throw err;
    }
    return agent;
  }

  get output(): string {
    return this.#output;
  }

  /** Stops the agent (killed by default; SIGTERM stops it cleanly) and waits for it to exit: its nodes go silent. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(signal);
    return exited;
  }
}

function keyValues(map: Record<string, string>): string {
  return Object.entries(map).map(([k, v]) => `${k}=${v}`).join(',');
}

/**
 * A server (with extra flags) and agents, all stopped when the test ends, pass or fail.
 * Resolves once every agent's nodes are registered.
 */
export async function startCluster(t: TestContext, agents: AgentOptions[], serverArgs: string[] = []): Promise<{ server: SkiffServer; agents: SimulatedAgent[] }> {
  const server = await SkiffServer.start(undefined, 0, serverArgs);
  const started: SimulatedAgent[] = [];
  t.after(async () => {
    await Promise.all(started.map((agent) => agent.stop()));
    await server.stop();
  });
  for (const options of agents) started.push(await SimulatedAgent.start(server, options));
  return { server, agents: started };
}

// ---- what the tests ask about pods and Deployments, through kubectl

/** `kubectl get ARGS -o json`, parsed. */
export async function getJson<T>(server: SkiffServer, args: string[]): Promise<T> {
  return JSON.parse(await server.ok(['get', ...args, '-o', 'json'])) as T;
}

/** The pods matching a label selector. */
export async function podsOf(server: SkiffServer, selector: string, namespace = 'default'): Promise<Pod[]> {
  return (await getJson<{ items: Pod[] }>(server, ['pods', '-n', namespace, '-l', selector])).items;
}

/** Neither terminating nor finished: the pods a controller counts. */
export function isLive(pod: Pod): boolean {
  return !pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

export function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Waits until the Deployment has exactly `replicas` replicas, all updated and available, as `kubectl get deploy` shows. */
export async function waitForAvailable(server: SkiffServer, name: string, replicas: number, namespace = 'default', timeoutMs = 30_000): Promise<Deployment> {
  return waitFor(async () => {
    const d = await getJson<Deployment>(server, ['deploy', name, '-n', namespace]);
    const s = d.status ?? {};
    const done = s.observedGeneration === d.metadata?.generation && s.replicas === replicas && s.updatedReplicas === replicas && s.availableReplicas === replicas;
    return done ? d : undefined;
  }, timeoutMs, `deployment ${name} to have ${replicas} available replicas`);
}
