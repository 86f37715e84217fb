// `skiff agent`: joins a node to a cluster: this machine (the kubelet on the process runtime),
// or N simulated ones (--simulate N).

import { readFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Taint } from 'kubernetes-types/core/v1.js';
import { createHttpClient, loadKubeconfig, type HttpClientConfig } from '../client/httpClient.ts';
import { createInformerFactory } from '../client/informer.ts';
import { startSimulatedNodes } from '../agent/simulate/simulatedNodes.ts';
import { startRealNode } from '../agent/node/realNode.ts';

export const agentUsage = `Usage:
  skiff agent --server URL --token TOKEN --ca-file FILE [options]
  skiff agent --server URL --token TOKEN --ca-file FILE --simulate N [options]

  --server URL                 the API server, https://host:port
  --token TOKEN                the join token (DIR/node-token on the server)
  --ca-file FILE               the cluster CA (else $SKIFF_CA_FILE)
  --kubeconfig FILE            server, CA (and token, unless --token) from a kubeconfig instead
  --simulate N                 run N simulated nodes (kwok-style) instead of a real one
  --node-name NAME             the node's name (default: the host name); with --simulate, nodes are NAME-0 .. NAME-<N-1> (default sim-0 ..)
  --data-dir DIR               the node's state: pod records, volumes, logs (default $SKIFF_DATA_DIR/agent, else ~/.skiff/agent)
  --node-labels k=v,...        labels for the node(s)
  --node-taints k=v:Effect,... taints the node(s) register with
  --node-capacity k=v,...      simulated capacity over the default (cpu=8,memory=32Gi,pods=110)
  --start-delay-ms N           simulated pods stay ContainerCreating this long
  --node-lease-duration-seconds N   lease duration; renewed every N/4 s (default 40)
`;

const taintEffects = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

class UsageError extends Error {}

/** Runs the agent until SIGTERM or SIGINT; the exit code. */
export async function runAgent(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS'))) throw err;
    console.error(`skiff agent: ${(err as Error).message}\n\n${agentUsage}`);
    return 2;
  }

  const client = createHttpClient({ ...options.client, userAgent: 'kubelet' });
  const informers = createInformerFactory(client);
  const stopping = new AbortController();
  const started = performance.now();
  const signalled = new Promise<string>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve(signal));
  });
  void signalled.then(() => stopping.abort());
  try {
    if (options.simulate === undefined) {
      const node = await startRealNode({
        client, informers,
        nodeName: options.nodeName ?? hostname().toLowerCase(),
        dataDir: options.dataDir,
        labels: options.labels,
        taints: options.taints,
        leaseDurationSeconds: options.leaseDurationSeconds,
        signal: stopping.signal,
      });
      const ms = Math.round(performance.now() - started);
      console.log(`skiff agent: node ${node.nodeName} registered (podCIDR ${node.podCIDR}, ${node.mode} runtime, data in ${options.dataDir}) in ${ms} ms`);
      const signal = await signalled;
      console.log(`skiff agent: ${signal} received, stopping (containers keep running)`);
      await node.stop();
      return 0;
    }
    const sim = await startSimulatedNodes(client, informers, {
      count: options.simulate,
      namePrefix: options.nodeName ? `${options.nodeName}-` : undefined,
      labels: options.labels,
      taints: options.taints,
      capacity: options.capacity,
      startDelayMs: options.startDelayMs,
      leaseDurationSeconds: options.leaseDurationSeconds,
      signal: stopping.signal,
    });
    const names = sim.nodeNames;
    const ms = Math.round(performance.now() - started);
    console.log(`skiff agent: ${names.length} simulated nodes registered (${names[0]} .. ${names[names.length - 1]}) in ${ms} ms`);
    const signal = await signalled;
    console.log(`skiff agent: ${signal} received, stopping`);
    await sim.stop();
    return 0;
  } finally {
    informers.stop();
  }
}

interface AgentOptions {
  client: HttpClientConfig;
  simulate: number | undefined;
  nodeName: string | undefined;
  dataDir: string;
  labels: Record<string, string>;
  taints: Taint[];
  capacity: Record<string, string>;
  startDelayMs: number | undefined;
  leaseDurationSeconds: number | undefined;
}

function parseOptions(argv: string[]): AgentOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      token: { type: 'string' },
      'ca-file': { type: 'string' },
      kubeconfig: { type: 'string' },
      simulate: { type: 'string' },
      'node-name': { type: 'string' },
      'data-dir': { type: 'string' },
      'node-labels': { type: 'string' },
      'node-taints': { type: 'string' },
      'node-capacity': { type: 'string' },
      'start-delay-ms': { type: 'string' },
      'node-lease-duration-seconds': { type: 'string' },
    },
    strict: true,
  });
  return {
    client: clientConfig(values.server, values.token, values['ca-file'] ?? process.env.SKIFF_CA_FILE, values.kubeconfig),
    simulate: values.simulate === undefined ? undefined : positiveInteger('--simulate', values.simulate),
    nodeName: values['node-name'],
    dataDir: resolve(values['data-dir'] ?? join(process.env.SKIFF_DATA_DIR ?? join(homedir(), '.skiff'), 'agent')),
    labels: parseLabels(values['node-labels'] ?? ''),
    taints: parseTaints(values['node-taints'] ?? ''),
    capacity: parseLabels(values['node-capacity'] ?? '', '--node-capacity'),
    startDelayMs: values['start-delay-ms'] === undefined ? undefined : positiveInteger('--start-delay-ms', values['start-delay-ms'], 0),
    leaseDurationSeconds: values['node-lease-duration-seconds'] === undefined ? undefined : positiveInteger('--node-lease-duration-seconds', values['node-lease-duration-seconds']),
  };
}

/**
 * Where the API server is and how to trust it. Until join tokens pin the CA (issue 4), the
 * CA comes from --ca-file, $SKIFF_CA_FILE or a kubeconfig.
 */
function clientConfig(server: string | undefined, token: string | undefined, caFile: string | undefined, kubeconfig: string | undefined): HttpClientConfig {
  const base: Partial<HttpClientConfig> = kubeconfig ? loadKubeconfig(kubeconfig) : {};
  const config = { ...base, ...(server ? { server } : {}), ...(token ? { token } : {}), ...(caFile ? { ca: readFileSync(caFile, 'utf8') } : {}) };
  if (!config.server) throw new UsageError('--server is required (or --kubeconfig)');
  if (!/^https:\/\//.test(config.server)) throw new UsageError(`--server: not an https:// URL: ${config.server}`);
  if (!config.token && !config.cert) throw new UsageError('--token is required (the join token is in DIR/node-token on the server)');
  if (!config.ca && !config.insecureSkipTLSVerify) throw new UsageError('no cluster CA: pass --ca-file (or set SKIFF_CA_FILE), or --kubeconfig');
  return config as HttpClientConfig;
}

function positiveInteger(flag: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag}: expected an integer >= ${min}, got "${value}"`);
  return n;
}

/** k=v,k2=v2 (labels, or capacity with --node-capacity) */
export function parseLabels(text: string, flag = '--node-labels'): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const item of text.split(',').filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag}: expected key=value, got "${item}"`);
    labels[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return labels;
}

/** key=value:Effect or key:Effect, comma-separated (the kubelet's --register-with-taints). */
export function parseTaints(text: string): Taint[] {
  return text.split(',').filter(Boolean).map((item) => {
    const colon = item.lastIndexOf(':');
    const effect = colon < 0 ? '' : item.slice(colon + 1);
    if (!taintEffects.has(effect)) throw new UsageError(`--node-taints: expected key[=value]:NoSchedule|PreferNoSchedule|NoExecute, got "${item}"`);
    const [key, value] = splitOnce(item.slice(0, colon), '=');
    if (!key) throw new UsageError(`--node-taints: missing key in "${item}"`);
    return value === undefined ? { key, effect } : { key, value, effect };
  });
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
