// Joining and reaching nodes against an apiserver in this process: the CA pinned by the join
// token, per-node credentials (claimed, reused, refused to a second claimant, kept across a
// server restart), and the tunnel an agent opens, carrying HTTP to a server on the agent's
// side, surviving a server restart.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { duplexPair, type Duplex } from 'node:stream';
import { openSqliteStore } from '../store/sqlite/sqliteStore.ts';
import type { Store } from '../store/store.ts';
import { Registry } from '../api/registry.ts';
import type { KubeObject } from '../api/kind.ts';
import type { Node } from '../api/objects.ts';
import { createHttpClient } from '../client/httpClient.ts';
import { types } from '../client/resourceTypes.ts';
import type { ResourceType } from '../client/client.ts';
import { fetchClusterCA, fetchNodeConfig, JoinError, nodeCredential } from '../agent/join.ts';
import { startTunnelClient, type TunnelClient } from '../agent/node/tunnelClient.ts';
import { waitFor } from '../../test/e2e/harness.ts';
import { ApiServerCore } from './core.ts';
import { ApiServer } from './server.ts';
import { loadOrCreateCredentials, type Credentials } from './credentials.ts';
import { createInProcessClient } from './inProcessClient.ts';
import { caHashOf } from './joinToken.ts';
import { createNodeAccess, type NodeAccess } from './nodeAccess.ts';
import { ApiError } from './errors.ts';

let dir: string;
let credentials: Credentials;
let running: { store: Store; core: ApiServerCore; server: ApiServer; access: NodeAccess; url: string };
const tunnels: TunnelClient[] = [];

/** The apiserver as `skiff server` builds it, on `port` (0: any). */
async function startServer(port = 0): Promise<typeof running> {
  const store = await openSqliteStore(join(dir, 'state.db'));
  const core = new ApiServerCore(store, new Registry());
  await core.start();
  const access = createNodeAccess({ serviceCIDR: "10.43.0.0/16", clusterDNS: "10.43.0.10" });
  const server = new ApiServer({ core, credentials, port, host: '127.0.0.1', ...access.serverOptions });
  access.start(createInProcessClient(server, 'skiff-node-access'));
  await server.listen();
  server.setReady(true);
  return { store, core, server, access, url: `https://127.0.0.1:${server.port}` };
}

async function stopServer(): Promise<void> {
  const { store, core, server, access } = running;
  await Promise.all([server.close(), access.stop()]);
  core.stop();
  await store.close();
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skiff-node-access-'));
  credentials = await loadOrCreateCredentials(dir);
  running = await startServer();
});

after(async () => {
  await Promise.all(tunnels.map((t) => t.stop()));
  await stopServer();
  await rm(dir, { recursive: true, force: true });
});

const selfSubjectReviews: ResourceType = { group: 'authentication.k8s.io', version: 'v1', plural: 'selfsubjectreviews', kind: 'SelfSubjectReview', namespaced: false };

/** Who the server takes `token` for. */
async function whoami(token: string): Promise<{ username: string; groups: string[] }> {
  const client = createHttpClient({ server: running.url, ca: credentials.caCert, token });
  const review = await client.create<KubeObject & { status?: { userInfo: { username: string; groups: string[] } } }>(selfSubjectReviews, { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
  return review.status!.userInfo;
}

const claim = (nodeName: string, file: string) =>
  nodeCredential({ server: running.url, ca: credentials.caCert, nodeName, file: join(dir, file), joinSecret: credentials.nodeToken });

const admin = () => createHttpClient({ server: running.url, ca: credentials.caCert, token: credentials.adminToken });

/** One HTTP/1.1 request over a connection, as the apiserver speaks to a kubelet; the answer's body. */
function call(connection: Duplex, path: string, method = 'GET', body?: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ createConnection: () => connection, method, path, headers: { Host: 'kubelet', Connection: 'close' } });
    req.once('error', reject);
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.once('end', () => resolve(text));
    });
    req.end(body);
  });
}

/** The agent side's kubelet stand-in: answers with the path and how many body bytes it got. */
function kubeletStandIn(): Server {
  return createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.once('end', () => res.end(`${req.method} ${req.url} ${bytes}`));
  });
}

test('the CA comes from /cacerts unauthenticated, and is trusted only if the token pins it', async () => {
  const ca = await fetchClusterCA(running.url, caHashOf(credentials.caCert));
  assert.equal(ca, credentials.caCert);
  await assert.rejects(fetchClusterCA(running.url, caHashOf('another cluster')), (err: unknown) => err instanceof JoinError && /does not match the join token/.test(err.message));
});

test('an agent claims its node credential with the join secret and keeps it; it authenticates as the node', async () => {
  const token = await claim('node-a', 'a/credential.json');
  assert.equal((await stat(join(dir, 'a/credential.json'))).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'a/credential.json'), 'utf8')), { nodeName: 'node-a', token });
  assert.deepEqual(await whoami(token), { username: 'system:node:node-a', groups: ['system:nodes', 'system:authenticated'] });
  assert.equal((await whoami(credentials.nodeToken)).username, 'system:node-agent');
  assert.equal(await claim('node-a', 'a/credential.json'), token, 'a restarted agent reuses its credential');
  await assert.rejects(whoami('not-a-token'), (err: unknown) => err instanceof ApiError && err.code === 401);
});

test('nodes and admins read the node config; nobody else does', async () => {
  const token = await claim('node-c', 'c/credential.json');
  const ca = credentials.caCert;
  const config = { serviceCIDR: '10.43.0.0/16', clusterDNS: '10.43.0.10' };
  assert.deepEqual(await fetchNodeConfig(running.url, ca, token), config);
  assert.deepEqual(await fetchNodeConfig(running.url, ca, credentials.adminToken), config);
  await assert.rejects(fetchNodeConfig(running.url, ca, 'not-a-token'), (err: unknown) => err instanceof JoinError && /\(401\)/.test(err.message));
});

test('a second agent cannot claim the name of a node that exists; once the Node is gone it can', async () => {
  const first = await claim('node-b', 'b1/credential.json');
  await createHttpClient({ server: running.url, ca: credentials.caCert, token: first }).create<Node>(types.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-b' } });
  await assert.rejects(claim('node-b', 'b2/credential.json'), (err: unknown) => err instanceof JoinError && /\(403\).*node "node-b" already exists/.test(err.message));

  await admin().delete(types.nodes, undefined, 'node-b');
  const second = await claim('node-b', 'b2/credential.json');
  assert.notEqual(second, first);
  assert.equal((await whoami(second)).username, 'system:node:node-b');
  await assert.rejects(whoami(first), (err: unknown) => err instanceof ApiError && err.code === 401);
});

test('only a node credential opens a tunnel; a node without one is an upstream error', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpsRequest(`${running.url}/skiff/v1/tunnel`, {
      ca: credentials.caCert,
      headers: { Connection: 'Upgrade', Upgrade: 'skiff-tunnel', Authorization: `Bearer ${credentials.nodeToken}` },
    });
    req.once('response', (res) => resolve(res.statusCode!));
    req.once('upgrade', () => reject(new Error('the join secret opened a tunnel')));
    req.once('error', reject);
    req.end();
  });
  assert.equal(status, 403);
  await assert.rejects(running.access.tunnels.dial('nowhere'), (err: unknown) => err instanceof ApiError && err.code === 503 && /no tunnel to node "nowhere"/.test(err.message));
});

test('HTTP reaches a server on the agent side through its tunnel, also after the apiserver restarts', async () => {
  const token = await claim('node-t', 't/credential.json');
  const tunnel = startTunnelClient({ server: running.url, token, ca: credentials.caCert, kubeletServer: kubeletStandIn(), nodeName: 'node-t' });
  tunnels.push(tunnel);
  await waitFor(() => running.access.tunnels.connected('node-t'), 10_000, 'the tunnel of node-t');
  assert.ok(tunnel.connected);

  // Several at once, each its own stream over the one connection.
  const answers = await Promise.all(['/a', '/b', '/c'].map(async (path) => call(await running.access.tunnels.dial('node-t'), path)));
  assert.deepEqual(answers, ['GET /a 0', 'GET /b 0', 'GET /c 0']);

  // A body larger than HTTP/2's windows goes through whole (flow control).
  const size = 20 * 1024 * 1024;
  assert.equal(await call(await running.access.tunnels.dial('node-t'), '/upload', 'POST', Buffer.alloc(size, 1)), `POST /upload ${size}`);

  const port = running.server.port;
  await stopServer();
  await waitFor(() => !tunnel.connected, 10_000, 'the agent to notice its tunnel closed');
  running = await startServer(port);
  await waitFor(() => running.access.tunnels.connected('node-t'), 20_000, 'the tunnel of node-t again');
  assert.equal((await whoami(token)).username, 'system:node:node-t', 'node credentials survive a restart');
  assert.equal(await call(await running.access.tunnels.dial('node-t'), '/again'), 'GET /again 0');
});

test('a node in the server\'s own process is reached without a tunnel', async () => {
  const kubelet = kubeletStandIn();
  const unregister = running.access.tunnels.register('local', () => {
    const [ours, theirs] = duplexPair();
    kubelet.emit('connection', theirs);
    return ours;
  });
  assert.equal(await call(await running.access.tunnels.dial('local'), '/healthz'), 'GET /healthz 0');
  unregister();
  assert.equal(running.access.tunnels.connected('local'), false);
});
