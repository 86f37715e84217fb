// Joining a cluster, as a k3s agent does: with nothing but the server's address and the join
// token, fetch the cluster CA unverified from /cacerts and trust it only if it hashes to what
// the token pins; then claim this node's own credential with the join secret and keep it in
// the data dir, so a restarted agent is still the same node.

import { request } from 'node:https';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileAtomic } from '../apiserver/credentials.ts';
import { caHashOf } from '../apiserver/joinToken.ts';
import { nodeConfigPath, type NodeConfig } from '../apiserver/nodeAccess.ts';

/** A definite answer that joining cannot succeed (retrying will not help). */
export class JoinError extends Error {}

/** The cluster CA (PEM) from GET /cacerts, once its hash is caHash; retries while the server is unreachable. */
export async function fetchClusterCA(server: string, caHash: string, signal?: AbortSignal): Promise<string> {
  const res = await untilReachable(() => call('GET', new URL('/cacerts', server), { insecure: true }), server, signal);
  if (res.status !== 200) throw new JoinError(`${server}/cacerts answered ${res.status}: is this a skiff server?`);
  const hash = caHashOf(res.body);
  if (hash !== caHash) {
    throw new JoinError(`the server's CA does not match the join token (its hash is ${hash}, the token pins ${caHash}): wrong server, or a token from another cluster`);
  }
  return res.body;
}

export interface NodeCredentialOptions {
  server: string;
  ca: string;
  nodeName: string;
  /** Where the credential is kept (0600). */
  file: string;
  /** Claims a new credential when there is none (or the server no longer takes it). */
  joinSecret?: string;
  signal?: AbortSignal;
}

/** This node's bearer token: the saved one while the server takes it, else a new one claimed with the join secret. */
export async function nodeCredential(options: NodeCredentialOptions): Promise<string> {
  const { server, ca, nodeName, file, joinSecret, signal } = options;
  const saved = await readFile(file, 'utf8').then((text) => JSON.parse(text) as { nodeName?: string; token?: string }, () => undefined);
  if (saved?.token && saved.nodeName === nodeName) {
    const res = await untilReachable(() => call('GET', new URL(`/api/v1/nodes/${encodeURIComponent(nodeName)}`, server), { ca, token: saved.token }), server, signal);
    if (res.status !== 401) return saved.token;
    // The server forgot it (its data dir was reset): claim anew below.
  }
  if (!joinSecret) throw new JoinError(`no credential for node "${nodeName}" in ${file} that the server takes, and no join token to claim one (--token)`);
  const url = new URL(`/skiff/v1/nodes/${encodeURIComponent(nodeName)}/credential`, server);
  const res = await untilReachable(() => call('POST', url, { ca, token: joinSecret }), server, signal);
  if (res.status === 401) throw new JoinError('the server did not accept the join token (401 Unauthorized): check --token against DIR/node-token on the server');
  if (res.status !== 201) throw new JoinError(`claiming a credential for node "${nodeName}" failed (${res.status}): ${statusMessage(res.body)}`);
  const { token } = JSON.parse(res.body) as { token: string };
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${JSON.stringify({ nodeName, token }, null, 2)}\n`, 0o600);
  return token;
}

/**
 * The settings every node takes from its server (GET /skiff/v1/node-config), so that joining
 * needs no more than the address and the token; a server without the endpoint gives none.
 */
export async function fetchNodeConfig(server: string, ca: string, token: string, signal?: AbortSignal): Promise<Partial<NodeConfig>> {
  const res = await untilReachable(() => call('GET', new URL(nodeConfigPath, server), { ca, token }), server, signal);
  if (res.status === 404) return {};
  if (res.status !== 200) throw new JoinError(`reading the node config failed (${res.status}): ${statusMessage(res.body)}`);
  return JSON.parse(res.body) as NodeConfig;
}

interface Answer {
  status: number;
  body: string;
}

function call(method: string, url: URL, auth: { ca?: string; insecure?: boolean; token?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      ca: auth.ca,
      rejectUnauthorized: !auth.insecure,
      headers: { Accept: 'application/json', ...(auth.token ? { Authorization: `Bearer ${auth.token}` } : {}) },
      timeout: 30_000,
    });
    req.once('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.once('error', reject);
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.once('error', reject);
    });
    req.end();
  });
}

/** Retries attempt() while the server cannot be reached (not started yet, restarting), as k3s agents wait for theirs. */
async function untilReachable<T>(attempt: () => Promise<T>, server: string, signal?: AbortSignal): Promise<T> {
  for (let delayMs = 200; ; delayMs = Math.min(delayMs * 2, 5_000)) {
    try {
      return await attempt();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (signal?.aborted || !unreachable.has(code ?? '')) throw err;
      console.error(`skiff agent: ${server} is not reachable (${code}), retrying in ${delayMs / 1000} s`);
      await sleep(delayMs, undefined, { signal });
    }
  }
}

const unreachable = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);

/** The message of a Status body, else the body. */
export function statusMessage(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body;
  }
}
