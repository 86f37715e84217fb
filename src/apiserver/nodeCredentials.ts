// Per-node credentials, as k3s's node passwords: an agent holding the join secret claims a
// bearer token for its node name; the server keeps only the token's SHA-256, in a Secret
// `<node>.node-password.skiff` in kube-system (so it survives restarts and every server of
// the cluster sees it), and authenticates the token as system:node:<name>. A name whose
// Node exists cannot be claimed again without its credential: a second machine with the
// same host name is refused instead of taking the first one's node over.

import { createHash, randomBytes } from 'node:crypto';
import type { Secret } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../api/kind.ts';
import type { Client } from '../client/client.ts';
import { createInformerFactory, type Informer, type InformerFactory } from '../client/informer.ts';
import { types } from '../client/resourceTypes.ts';
import { ApiError } from './errors.ts';
import type { User } from './server.ts';

type SecretObject = Secret & KubeObject;

const namespace = 'kube-system';
const secretType = 'skiff.io/node-password';
const nodeUserPrefix = 'system:node:';

/** The user a node credential authenticates as (upstream's Node authorizer naming). */
export function nodeUser(nodeName: string): User {
  return { name: `${nodeUserPrefix}${nodeName}`, groups: ['system:nodes', 'system:authenticated'] };
}

/** The node a user is, if it authenticated with a node credential. */
export function nodeNameOf(user: User): string | undefined {
  return user.name.startsWith(nodeUserPrefix) && user.groups.includes('system:nodes') ? user.name.slice(nodeUserPrefix.length) : undefined;
}

export class NodeCredentials {
  /** token hash -> node name; from the Secrets, and at once from our own claims. */
  readonly #nodeByHash = new Map<string, string>();
  readonly #hashByNode = new Map<string, string>();
  #client: Client | undefined;
  #informers: InformerFactory | undefined;
  #secrets: Informer<SecretObject> | undefined;
  readonly #started = Promise.withResolvers<void>();

  /** Watches the node credentials through `client` (which must not need one itself). */
  start(client: Client): void {
    this.#client = client;
    this.#informers = createInformerFactory(client);
    this.#secrets = this.#informers.informer<SecretObject>(types.secrets, { namespace, fieldSelector: `type=${secretType}` });
    this.#secrets.addHandler({
      onAdd: (secret) => this.#remember(secret),
      onUpdate: (_, secret) => this.#remember(secret),
      onDelete: (secret) => this.#forget(nodeNameOfSecret(secret)),
    });
    this.#informers.start();
    void this.#informers.waitForSync().then(this.#started.resolve);
  }

  stop(): void {
    this.#informers?.stop();
  }

  /** The node a bearer token belongs to; waits for the credentials to be loaded after a start. */
  async authenticate(token: string): Promise<User | undefined> {
    if (!this.#secrets) return undefined;
    if (!this.#secrets.hasSynced()) await this.#started.promise;
    const nodeName = this.#nodeByHash.get(hashOf(token));
    return nodeName === undefined ? undefined : nodeUser(nodeName);
  }

  /**
   * A new credential for nodeName. Refused (403) while a Node of that name exists and
   * already has one; a credential whose Node is gone is replaced.
   */
  async claim(nodeName: string): Promise<string> {
    const client = this.#client;
    if (!client) throw new ApiError(503, 'ServiceUnavailable', 'node credentials are not available yet');
    const token = randomBytes(32).toString('hex');
    const hash = hashOf(token);
    const name = secretName(nodeName);
    const existing = await client.get<SecretObject>(types.secrets, namespace, name).catch((err) => {
      if ((err as ApiError).code === 404) return undefined;
      throw err;
    });
    if (existing) {
      const nodeExists = await client.get(types.nodes, undefined, nodeName).then(() => true, (err) => {
        if ((err as ApiError).code === 404) return false;
        throw err;
      });
      if (nodeExists) {
        throw new ApiError(403, 'Forbidden', `node "${nodeName}" already exists and has a credential: an agent joining under its name must present that credential (another machine with the same name? use --node-name), or the Node must be deleted first`);
      }
      // The resourceVersion makes two claims racing for a gone node's name conflict.
      await client.update<SecretObject>(types.secrets, { ...existing, data: { hash: base64(hash) } });
    } else {
      await client.create<SecretObject>(types.secrets, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace },
        type: secretType,
        data: { hash: base64(hash) },
      });
    }
    this.#remember({ metadata: { name }, data: { hash: base64(hash) } });
    return token;
  }

  #remember(secret: SecretObject): void {
    const nodeName = nodeNameOfSecret(secret);
    const hash = Buffer.from(secret.data?.hash ?? '', 'base64').toString('utf8');
    if (!nodeName || !hash) return;
    this.#forget(nodeName);
    this.#nodeByHash.set(hash, nodeName);
    this.#hashByNode.set(nodeName, hash);
  }

  #forget(nodeName: string | undefined): void {
    if (nodeName === undefined) return;
    const hash = this.#hashByNode.get(nodeName);
    if (hash !== undefined) this.#nodeByHash.delete(hash);
    this.#hashByNode.delete(nodeName);
  }
}

const secretSuffix = '.node-password.skiff';

function secretName(nodeName: string): string {
  return `${nodeName}${secretSuffix}`;
}

function nodeNameOfSecret(secret: SecretObject): string | undefined {
  const name = secret.metadata?.name ?? '';
  return name.endsWith(secretSuffix) ? name.slice(0, -secretSuffix.length) : undefined;
}

/** Tokens are 256 random bits: a plain SHA-256 is enough (no slow password hash needed). */
function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const base64 = (text: string) => Buffer.from(text).toString('base64');
