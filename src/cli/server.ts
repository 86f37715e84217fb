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
  const core = new ApiServerCore(store, registry, admissionPlugins({ defaultTolerationSeconds: options.defaultTolerationSeconds }));
  await core.start();
  const customResources = new CustomResources(core);
  await customResources.start();
  const server = new ApiServer({ core, credentials, port: options.port, host: options.host });
  try {
    await server.listen();
  } catch (err) {
    customResources.stop();
    core.stop();
    stopCompactor();
    await store.close();
    throw err;
  }
  server.setReady(true);

  // The control loops run beside the apiserver, talking to it in-process, each under a lease.
  // The identity is kept per data dir (which one server holds at a time), so a restarted
  // server takes its own leases back at once instead of waiting for them to expire.
  const identity = await serverIdentity(dataDir);
  const controllers = selectControllers(options.controllerSelection);
  const controllerManager = controllers.length > 0 ? startControllerManager(createInProcessClient(server, 'kube-controller-manager'), identity, controllers, options.controllers) : undefined;
  const scheduler = options.scheduler ? runWhileLeading({ client: createInProcessClient(server, 'kube-scheduler'), lease: 'kube-scheduler', identity, run: (ctx) => startScheduler(ctx) }) : undefined;

  const url = `https://127.0.0.1:${server.port}`;
  await writeFileAtomic(join(dataDir, 'node-token'), `${credentials.nodeToken}\n`, 0o600);
  await writeFileAtomic(join(dataDir, 'ca.crt'), credentials.caCert);
  await writeFileAtomic(kubeconfigPath, adminKubeconfig(credentials, url), 0o600);
  const ms = Math.round(performance.now() - started);
  console.log(`skiff: API server listening on ${url} (ready in ${ms} ms)`);
  console.log(`skiff: kubeconfig written to ${kubeconfigPath}`);
  console.log(`export KUBECONFIG=${kubeconfigPath}`);

  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`skiff: ${signal} received, shutting down`);
      server.setReady(false);
      await Promise.all([controllerManager?.stop(), scheduler?.stop()]);
      await server.close();
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
