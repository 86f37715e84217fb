// skiff's built-in Ingress controller, in the server process: the `skiff` IngressClass (the
// cluster's default), an HTTP and an HTTPS listener on this machine, and a routing table
// rebuilt from the Ingresses, IngressClasses, Services, EndpointSlices and TLS Secrets whenever
// one changes. Requests go straight to the endpoints' pod IPs. Each Ingress served shows this
// machine's address and the two ports in its status.

import { Agent, createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import type { KubeObject } from '../../api/kind.ts';
import type { EndpointSlice, Service } from '../../api/objects.ts';
import { internalIP } from '../../agent/node/hostFacts.ts';
import type { Client } from '../../client/client.ts';
import { createInformerFactory, indexes, type Informer, type InformerFactory } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { serviceNameLabel } from '../../api/groups/cluster/endpointSlice.ts';
import { ensureDefaultIngressClass, ingressClassType, servedBy, type IngressClassObject } from './ingressClass.ts';
import { loadBalancerStatus, syncIngressStatuses } from './ingressStatus.ts';
import { createProxy } from './proxy.ts';
import { certificateFor } from './routeMatch.ts';
import { buildRoutingTable, emptyRoutingTable, type IngressObject } from './routingTable.ts';
import { createSelfSignedCertificate } from './selfSignedCertificate.ts';
import { createTlsSecrets, type SecretObject } from './tlsSecrets.ts';
import { createSyncRunner } from '../../client/syncRunner.ts';

export interface IngressControllerOptions {
  client: Client;
  /** A shared informer factory (started here if it is not yet); by default one of its own. */
  informers?: InformerFactory;
  /** 0 picks a free port. */
  httpPort: number;
  httpsPort: number;
  /** The address to listen on (default: every address); an IPv4 one is also what Ingresses show. */
  host?: string;
  signal?: AbortSignal;
}

export interface IngressController {
  httpPort: number;
  httpsPort: number;
  stop(): Promise<void>;
}

const statusRetryMs = 1_000;

export async function startIngressController(options: IngressControllerOptions): Promise<IngressController> {
  const { client, signal } = options;
  await ensureDefaultIngressClass(client);
  const informers = options.informers ?? createInformerFactory(client);
  const ingresses = informers.informer<IngressObject>(types.ingresses);
  const classes = informers.informer<IngressClassObject>(ingressClassType);
  const services = informers.informer<Service>(types.services);
  const slices = informers.informer<EndpointSlice>(types.endpointSlices);
  const secrets = informers.informer<SecretObject>(types.secrets, { fieldSelector: 'type=kubernetes.io/tls' });
  informers.start();
  const stopInformers = () => {
    if (!options.informers) informers.stop();
  };
  let defaultCertificate;
  try {
    [defaultCertificate] = await Promise.all([createSelfSignedCertificate('skiff ingress default certificate', ['ingress.local']), informers.waitForSync(signal)]);
  } catch (err) {
    stopInformers();
    throw err;
  }

  let table = emptyRoutingTable;
  // Node's agent pools kept-alive connections per endpoint; idle ones close after a minute.
  const agent = new Agent({ keepAlive: true, timeout: 60_000 });
  const upgraded = new Set<Duplex>();
  const httpServer = createHttpServer();
  const httpsServer = createHttpsServer({ ...defaultCertificate, SNICallback: (name, done) => done(null, certificateFor(table, name)) });
  for (const [server, scheme] of [[httpServer, 'http'], [httpsServer, 'https']] as const) {
    const proxy = createProxy({ scheme, table: () => table, agent, upgraded });
    server.on('request', proxy.request);
    server.on('upgrade', proxy.upgrade);
    // Bodies stream for as long as they last; only slow headers are cut off.
    server.requestTimeout = 0;
    server.keepAliveTimeout = 75_000;
  }
  let httpPort: number;
  let httpsPort: number;
  try {
    httpPort = await listen(httpServer, options.httpPort, options.host);
    httpsPort = await listen(httpsServer, options.httpsPort, options.host);
  } catch (err) {
    httpServer.close();
    agent.destroy();
    stopInformers();
    throw err;
  }

  const tlsSecrets = createTlsSecrets(secrets);
  const address = options.host && isIPv4(options.host) && options.host !== '0.0.0.0' ? options.host : internalIP(networkInterfaces());
  const desiredStatus = loadBalancerStatus(address, httpPort, httpsPort);
  let served = servedBy([]);
  let stopped = false;

  // A write that failed (it said why) is tried again a second later.
  const statuses = createSyncRunner(async () => ((await syncIngressStatuses(client, ingresses.list(), served, desiredStatus)) ? undefined : statusRetryMs), {
    minIntervalMs: 0,
    retryMs: statusRetryMs,
    onError: (err) => console.error('skiff: ingress: status sync failed:', err),
  });

  const rebuild = () => {
    if (stopped) return;
    try {
      served = servedBy(classes.list());
      table = buildRoutingTable({
        ingresses: ingresses.list(undefined, served),
        service: (namespace, name) => services.get(namespace, name),
        endpointSlices: (namespace, service) => slices.byIndex(indexes.label, `${serviceNameLabel}=${service}`).filter((s) => s.metadata?.namespace === namespace),
        certificate: tlsSecrets.certificate,
      });
      tlsSecrets.prune();
    } catch (err) {
      console.error('skiff: ingress: building the routing table failed:', err);
    }
    statuses.request();
  };
  // Changes come in bursts (a rollout touches slices many times): one rebuild per burst.
  let rebuildSoon: NodeJS.Immediate | undefined;
  const schedule = () => {
    if (!stopped) rebuildSoon ??= setImmediate(() => {
      rebuildSoon = undefined;
      rebuild();
    });
  };
  for (const informer of [ingresses, classes, services, slices, secrets] as Informer<KubeObject>[]) {
    informer.addHandler({ onAdd: schedule, onUpdate: schedule, onDelete: schedule });
  }
  rebuild();
  console.log(`skiff: ingress serving http on :${httpPort}, https on :${httpsPort}`);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearImmediate(rebuildSoon);
    statuses.stop();
    const closed = [httpServer, httpsServer].map((server) => new Promise((resolve) => server.close(resolve)));
    for (const server of [httpServer, httpsServer]) server.closeAllConnections();
    for (const socket of upgraded) socket.destroy();
    agent.destroy();
    stopInformers();
    await Promise.all([...closed, statuses.idle()]);
  };
  signal?.addEventListener('abort', () => void stop(), { once: true });
  return { httpPort, httpsPort, stop };
}

function listen(server: Server, port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}
