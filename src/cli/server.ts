// `skiff server`: the control plane in one process.

import { mkdir, readFile, rm } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { openSqliteStore } from '../store/sqlite/sqliteStore.ts';
import { startCompactor } from '../store/compactor.ts';
import { Registry } from '../api/registry.ts';
import { ApiServerCore } from '../apiserver/core.ts';
import { ApiServer } from '../apiserver/server.ts';
import { adminKubeconfig, loadOrCreateCredentials, writeFileAtomic } from '../apiserver/credentials.ts';
import { CustomResources } from '../apiserver/customResources.ts';
import { loadBuiltinSchemas } from '../api/schema/builtinSchemas.ts';
import { lockDataDir } from './dataDirLock.ts';
import { createInProcessClient } from '../apiserver/inProcessClient.ts';
import { admissionPlugins } from '../apiserver/admission.ts';
import { startControllerManager, runWhileLeading } from '../controllers/manager.ts';
import { selectControllers } from '../controllers/all.ts';
import type { ControllerOptions } from '../controllers/controller.ts';
import { startScheduler } from '../scheduler/scheduler.ts';
import { createNodeAccess } from '../apiserver/nodeAccess.ts';
import { ensureBuiltinRuntimeClasses } from '../api/groups/node/builtinRuntimeClasses.ts';
import { ServiceAllocator } from '../apiserver/serviceAllocation/serviceAllocator.ts';
import type { ServiceNetwork } from '../apiserver/serviceAllocation/serviceNetwork.ts';
import { advertiseAddress, startBuiltinServices } from '../apiserver/builtinServices.ts';
import { startIngressController } from '../network/ingress/ingressController.ts';
import { formatJoinToken } from '../apiserver/joinToken.ts';
import { createInformerFactory } from '../client/informer.ts';
import { startRealNode, type RealNode } from '../agent/node/realNode.ts';

export interface ServerOptions {
  dataDir?: string;
  port: number;
  host: string;
  controllers: ControllerOptions;
  /** Tolerations for not-ready/unreachable NoExecute taints every pod gets (DefaultTolerationSeconds admission). */
  defaultTolerationSeconds: number;
  /** Which controllers run (upstream's --controllers syntax). */
  controllerSelection: string;
  scheduler: boolean;
  /** Service addresses: ClusterIP range, NodePort range, cluster DNS address. */
  network: ServiceNetwork;
  /** The built-in Ingress controller's host ports (0: any free one), unless --disable-ingress. */
  ingress?: { httpPort: number; httpsPort: number };
  /** The node this server's own agent runs (unless --disable-agent). */
  agent?: { nodeName: string };
}

export async function runServer(options: ServerOptions): Promise<void> {
  const started = performance.now();
  const dataDir = resolve(options.dataDir ?? process.env.SKIFF_DATA_DIR ?? join(homedir(), '.skiff'));
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const unlock = lockDataDir(dataDir);
  try {
    await serve(dataDir, options, started);
  } finally {
    unlock();
  }
}

async function serverIdentity(dataDir: string): Promise<string> {
  const file = join(dataDir, 'identity');
  const saved = await readFile(file, 'utf8').then((s) => s.trim(), () => '');
  if (saved) return saved;
  const identity = `${hostname()}_${randomUUID()}`;
  await writeFileAtomic(file, identity);
  return identity;
}

async function serve(dataDir: string, options: ServerOptions, started: number): Promise<void> {
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  // The kubeconfig appears only once the server is ready: remove a previous run's.
  await rm(kubeconfigPath, { force: true });

  const credentials = await loadOrCreateCredentials(dataDir);
  const store = await openSqliteStore(join(dataDir, 'state.db'));
  loadBuiltinSchemas(); // at start, not in the first request
  const stopCompactor = startCompactor(store);
  const registry = new Registry();
  const core: ApiServerCore = new ApiServerCore(store, registry, admissionPlugins({
    defaultTolerationSeconds: options.defaultTolerationSeconds,
    runtimeClass: (name) => {
      const runtimeClasses = core.storageFor('node.k8s.io', 'runtimeclasses');
      return runtimeClasses.cache.get(runtimeClasses.key(undefined, name));
    },
    ingressClasses: () => core.storageFor('networking.k8s.io', 'ingressclasses').cache.list().items.map((e) => e.object),
  }), [new ServiceAllocator(options.network)]);
  await core.start();
  const customResources = new CustomResources(core);
  await customResources.start();
  const nodeAccess = createNodeAccess({ serviceCIDR: options.network.serviceCIDR, clusterDNS: options.network.clusterDNS });
  const server = new ApiServer({ core, credentials, port: options.port, host: options.host, ...nodeAccess.serverOptions });
  nodeAccess.start(createInProcessClient(server, 'skiff-node-access'));
  try {
    await server.listen();
  } catch (err) {
    nodeAccess.stop();
    customResources.stop();
    core.stop();
    stopCompactor();
    await store.close();
    throw err;
  }
  server.setReady(true);
  await ensureBuiltinRuntimeClasses(createInProcessClient(server, 'skiff-bootstrap'));
  const stopBuiltinServices = await startBuiltinServices(createInProcessClient(server, 'kube-apiserver'), { network: options.network, apiserver: { address: advertiseAddress(options.host), port: server.port } });

  // The control loops run beside the apiserver, talking to it in-process, each under a lease.
  // The identity is kept per data dir (which one server holds at a time), so a restarted
  // server takes its own leases back at once instead of waiting for them to expire.
  const identity = await serverIdentity(dataDir);
  const controllers = selectControllers(options.controllerSelection);
  const controllerManager = controllers.length > 0 ? startControllerManager(createInProcessClient(server, 'kube-controller-manager'), identity, controllers, options.controllers) : undefined;
  const scheduler = options.scheduler ? runWhileLeading({ client: createInProcessClient(server, 'kube-scheduler'), lease: 'kube-scheduler', identity, run: (ctx) => startScheduler(ctx) }) : undefined;

  const url = `https://127.0.0.1:${server.port}`;
  await writeFileAtomic(join(dataDir, 'node-token'), `${formatJoinToken(credentials.caCert, credentials.nodeToken)}\n`, 0o600);
  await writeFileAtomic(join(dataDir, 'ca.crt'), credentials.caCert);
  await writeFileAtomic(kubeconfigPath, adminKubeconfig(credentials, url), 0o600);
  const ms = Math.round(performance.now() - started);
  console.log(`skiff: API server listening on ${url} (ready in ${ms} ms)`);
  console.log(`skiff: kubeconfig written to ${kubeconfigPath}`);
  console.log(`export KUBECONFIG=${kubeconfigPath}`);

  // Off the readiness path (its default certificate takes ~100 ms). A port it cannot have
  // (80 and 443 need root) is said once; the rest of the cluster runs on.
  const ingress = options.ingress && (await startIngressController({ client: createInProcessClient(server, 'skiff-ingress'), host: options.host, ...options.ingress }).catch((err: Error) => {
    console.error(`skiff: ingress not started: ${err.message} (use --ingress-http-port/--ingress-https-port, or --disable-ingress)`);
    return undefined;
  }));

  const agentStopping = new AbortController();
  const agent = options.agent && (await startLocalAgent(server, dataDir, options.agent.nodeName, options.network, agentStopping.signal));
  const unregisterAgent = agent && nodeAccess.tunnels.register(agent.nodeName, agent.dialKubelet);

  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`skiff: ${signal} received, shutting down`);
      server.setReady(false);
      agentStopping.abort();
      stopBuiltinServices();
      await agent?.stop();
      unregisterAgent?.();
      await Promise.all([controllerManager?.stop(), scheduler?.stop(), ingress?.stop()]);
      // Tunnels are upgraded sockets: closing them lets the server finish closing.
      await Promise.all([server.close(), nodeAccess.stop()]);
      customResources.stop();
      core.stop();
      stopCompactor();
      await store.close();
      resolveStop();
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}

/**
 * The server's own node: the kubelet on the process runtime, talking to the apiserver
 * in-process and reached by it without a tunnel. Its state is in DIR/agent.
 */
async function startLocalAgent(server: ApiServer, dataDir: string, nodeName: string, network: ServiceNetwork, signal: AbortSignal): Promise<RealNode & { stop(): Promise<void> }> {
  const started = performance.now();
  const client = createInProcessClient(server, `node:${nodeName}`);
  const informers = createInformerFactory(client);
  const node = await startRealNode({ client, informers, nodeName, dataDir: join(dataDir, 'agent'), labels: {}, taints: [], clusterDNS: network.clusterDNS, serviceCIDR: network.serviceCIDR, signal });
  console.log(`skiff: node ${nodeName} registered (podCIDR ${node.podCIDR}, ${node.mode} runtime) in ${Math.round(performance.now() - started)} ms`);
  return {
    ...node,
    stop: async () => {
      await node.stop();
      informers.stop();
    },
  };
}
