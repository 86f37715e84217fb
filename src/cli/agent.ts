// `skiff agent`: joins a node to a cluster: this machine (the kubelet on the process runtime),
// or N simulated ones (--simulate N). With the join token alone it fetches the cluster CA
// and checks it against the hash the token pins; a real node then claims its own credential
// (kept in its data dir) and opens its tunnel; simulated nodes use the join secret throughout.

import { readFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Taint } from 'kubernetes-types/core/v1.js';
import { createHttpClient, loadKubeconfig, type HttpClientConfig } from '../client/httpClient.ts';
import { createInformerFactory } from '../client/informer.ts';
import { startSimulatedNodes } from '../agent/simulate/simulatedNodes.ts';
import { startRealNode } from '../agent/node/realNode.ts';
import { fetchClusterCA, fetchNodeConfig, JoinError, nodeCredential } from '../agent/join.ts';
import { parseJoinToken, type JoinToken } from '../apiserver/joinToken.ts';

export const agentUsage = `Usage:
  skiff agent --server URL --token TOKEN [options]
  skiff agent --server URL --token TOKEN --simulate N [options]

  --server URL                 the API server, https://host:port
  --token TOKEN                the join token (DIR/node-token on the server); it pins the cluster
                               CA, which is fetched from the server and checked against it
  --ca-file FILE               trust this CA instead (needed when TOKEN is a bare secret; else $SKIFF_CA_FILE)
  --kubeconfig FILE            server, CA (and credentials, unless --token) from a kubeconfig instead
  --simulate N                 run N simulated nodes (kwok-style) instead of a real one
  --node-name NAME             the node's name (default: the host name); with --simulate, nodes are NAME-0 .. NAME-<N-1> (default sim-0 ..)
  --data-dir DIR               the node's state: its credential, pod records, volumes, logs (default $SKIFF_DATA_DIR/agent, else ~/.skiff/agent)
  --node-labels k=v,...        labels for the node(s)
  --node-taints k=v:Effect,... taints the node(s) register with
  --node-capacity k=v,...      simulated capacity over the default (cpu=8,memory=32Gi,pods=110)
  --start-delay-ms N           simulated pods stay ContainerCreating this long
  --node-lease-duration-seconds N   lease duration; renewed every N/4 s (default 40)
  --service-cidr CIDR          the cluster's Service range (default: the server's --service-cidr)
  --cluster-dns IP             the cluster DNS address pods use (default: the server's --cluster-dns)
`;

const taintEffects = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

class UsageError extends Error {}

/** Runs the agent until SIGTERM or SIGINT; the exit code. */
export async function runAgent(argv: string[]): Promise<number> {
  let options: AgentOptions;
  try {
    options = parseOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS'))) throw err;
    console.error(`skiff agent: ${(err as Error).message}\n\n${agentUsage}`);
    return 2;
  }

  const stopping = new AbortController();
  const started = performance.now();
  const signalled = new Promise<string>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve(signal));
  });
  void signalled.then(() => stopping.abort());
  let joined;
  try {
    joined = await joinCluster(options, stopping.signal);
  } catch (err) {
    if (stopping.signal.aborted) return 0;
    if (!(err instanceof JoinError)) throw err;
    console.error(`skiff agent: ${err.message}`);
    return 1;
  }

  const client = createHttpClient({ ...joined.client, userAgent: 'kubelet' });
  const informers = createInformerFactory(client);
  try {
    if (options.simulate === undefined) {
      const { token, ca, server } = joined.client;
      // Flags win; what they leave out comes from the server, as all nodes must agree on it.
      const fromServer = token && ca && !(options.serviceCIDR && options.clusterDNS) ? await fetchNodeConfig(server, ca, token, stopping.signal) : {};
      const node = await startRealNode({
        client, informers,
        nodeName: joined.nodeName,
        dataDir: options.dataDir,
        labels: options.labels,
        taints: options.taints,
        leaseDurationSeconds: options.leaseDurationSeconds,
        serviceCIDR: options.serviceCIDR ?? fromServer.serviceCIDR,
        clusterDNS: options.clusterDNS ?? fromServer.clusterDNS,
        signal: stopping.signal,
        tunnel: token ? { server, token, ca } : undefined,
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

/**
 * How this agent talks to the API: the CA given, else fetched and checked against the join
 * token; a real node's own credential (claimed with the join secret, or saved before),
 * simulated nodes' the join secret; without --token, the kubeconfig's credentials as they are.
 */
async function joinCluster(options: AgentOptions, signal: AbortSignal): Promise<{ client: HttpClientConfig; nodeName: string }> {
  const { server, joinToken } = options;
  const ca = options.ca ?? (joinToken?.caHash ? await fetchClusterCA(server, joinToken.caHash, signal) : undefined);
  const nodeName = options.nodeName ?? hostname().toLowerCase();
  const base = { ...options.kubeconfig, server, ca };
  if (!joinToken) return { client: base, nodeName };
  if (options.simulate !== undefined) return { client: { ...base, token: joinToken.secret }, nodeName };
  const token = await nodeCredential({ server, ca: ca!, nodeName, file: join(options.dataDir, 'credential.json'), joinSecret: joinToken.secret, signal });
  return { client: { ...base, token }, nodeName };
}

interface AgentOptions {
  server: string;
  /** --token, parsed. */
  joinToken: JoinToken | undefined;
  /** From --ca-file, $SKIFF_CA_FILE or the kubeconfig; else the CA the join token pins is fetched. */
  ca: string | undefined;
  /** The kubeconfig's credentials and TLS settings (used when there is no --token). */
  kubeconfig: Partial<HttpClientConfig>;
  simulate: number | undefined;
  nodeName: string | undefined;
  dataDir: string;
  labels: Record<string, string>;
  taints: Taint[];
  capacity: Record<string, string>;
  startDelayMs: number | undefined;
  serviceCIDR: string | undefined;
  clusterDNS: string | undefined;
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
      'service-cidr': { type: 'string' },
      'cluster-dns': { type: 'string' },
    },
    strict: true,
  });
  const kubeconfig: Partial<HttpClientConfig> = values.kubeconfig ? loadKubeconfig(values.kubeconfig) : {};
  const server = values.server ?? kubeconfig.server;
  if (!server) throw new UsageError('--server is required (or --kubeconfig)');
  if (!/^https:\/\//.test(server)) throw new UsageError(`--server: not an https:// URL: ${server}`);
  const joinToken = values.token === undefined ? undefined : parseToken(values.token);
  if (!joinToken && !kubeconfig.token && !kubeconfig.cert) throw new UsageError('--token is required (the join token is in DIR/node-token on the server)');
  const caFile = values['ca-file'] ?? process.env.SKIFF_CA_FILE;
  const ca = caFile ? readFileSync(caFile, 'utf8') : kubeconfig.ca;
  if (!ca && !joinToken?.caHash && !kubeconfig.insecureSkipTLSVerify) {
    throw new UsageError(joinToken
      ? '--token is a bare secret, which pins no CA: pass the whole join token (K10...) from DIR/node-token, or --ca-file'
      : 'no cluster CA: pass --ca-file (or set SKIFF_CA_FILE), or a kubeconfig with one');
  }
  return {
    server,
    joinToken,
    ca,
    kubeconfig,
    simulate: values.simulate === undefined ? undefined : positiveInteger('--simulate', values.simulate),
    nodeName: values['node-name'],
    dataDir: resolve(values['data-dir'] ?? join(process.env.SKIFF_DATA_DIR ?? join(homedir(), '.skiff'), 'agent')),
    labels: parseLabels(values['node-labels'] ?? ''),
    taints: parseTaints(values['node-taints'] ?? ''),
    capacity: parseLabels(values['node-capacity'] ?? '', '--node-capacity'),
    startDelayMs: values['start-delay-ms'] === undefined ? undefined : positiveInteger('--start-delay-ms', values['start-delay-ms'], 0),
    serviceCIDR: values['service-cidr'],
    clusterDNS: values['cluster-dns'],
    leaseDurationSeconds: values['node-lease-duration-seconds'] === undefined ? undefined : positiveInteger('--node-lease-duration-seconds', values['node-lease-duration-seconds']),
  };
}

function parseToken(token: string): JoinToken {
  try {
    return parseJoinToken(token);
  } catch (err) {
    throw new UsageError(`--token: ${(err as Error).message}`);
  }
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
