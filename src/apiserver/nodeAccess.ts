// What lets nodes join and be reached, in one place for the server to wire: node credentials
// (claimed with the join secret, authenticated as system:node:<name>), the endpoint agents
// claim them at, the cluster settings every node must share (as k3s agents read theirs from
// the server), and the tunnels agents open (the apiserver's NodeDialer).
//
//   POST /skiff/v1/nodes/{name}/credential   (bearer: the join secret) -> 201 {nodeName, token}
//   GET  /skiff/v1/node-config               (bearer: a node's credential) -> 200 NodeConfig
//   GET  /skiff/v1/tunnel, Upgrade: skiff-tunnel (bearer: the node's credential) -> 101

import type { IncomingMessage, ServerResponse } from 'node:http';
import { dns1123SubdomainErrors } from '../api/validation.ts';
import type { Client } from '../client/client.ts';
import { ApiError, methodNotAllowed } from './errors.ts';
import { NodeCredentials } from './nodeCredentials.ts';
import { sendJson } from './respond.ts';
import type { ApiServerOptions, User } from './server.ts';
import { TunnelServer, tunnelPath } from './tunnel/tunnelServer.ts';

export const credentialPathPrefix = '/skiff/v1/nodes/';
export const nodeConfigPath = '/skiff/v1/node-config';

/** What a node takes from its server rather than from its own flags. */
export interface NodeConfig {
  /** The Service range (the proxy's rules match it). */
  serviceCIDR: string;
  /** The cluster DNS address pods are given. */
  clusterDNS: string;
}

export interface NodeAccess {
  /** Spread into the ApiServer's options. */
  serverOptions: Required<Pick<ApiServerOptions, 'authenticate' | 'endpoints' | 'upgrades' | 'nodeDialer'>>;
  /** The tunnels; register() routes a node of this process without one. */
  tunnels: TunnelServer;
  /** Loads and watches node credentials through `client` (the in-process client: it needs none itself). */
  start(client: Client): void;
  /** Closes the tunnels and stops watching. */
  stop(): void;
}

export function createNodeAccess(nodeConfig: NodeConfig): NodeAccess {
  const credentials = new NodeCredentials();
  const tunnels = new TunnelServer();
  return {
    serverOptions: {
      authenticate: (token) => credentials.authenticate(token),
      endpoints: {
        [credentialPathPrefix]: (req, res, user) => claimCredential(req, res, user, credentials),
        [nodeConfigPath]: (req, res, user) => serveNodeConfig(req, res, user, nodeConfig),
      },
      upgrades: { [tunnelPath]: tunnels.accept },
      nodeDialer: tunnels,
    },
    tunnels,
    start: (client) => credentials.start(client),
    stop: () => {
      tunnels.close();
      credentials.stop();
    },
  };
}

/** Who may claim a node credential: agents holding the join secret, and admins. */
const mayClaim = (user: User) => user.name === 'system:node-agent' || user.groups.includes('system:masters');

/** Nodes (their credential, or the join secret) and admins read the node config. */
async function serveNodeConfig(req: IncomingMessage, res: ServerResponse, user: User, config: NodeConfig): Promise<void> {
  if (new URL(req.url ?? '/', 'https://localhost').pathname !== nodeConfigPath) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (req.method !== 'GET') throw methodNotAllowed();
  if (!user.groups.includes('system:nodes') && !user.groups.includes('system:masters')) throw new ApiError(403, 'Forbidden', `user "${user.name}" cannot read the node config`);
  sendJson(res, 200, config);
}

async function claimCredential(req: IncomingMessage, res: ServerResponse, user: User, credentials: NodeCredentials): Promise<void> {
  const path = new URL(req.url ?? '/', 'https://localhost').pathname;
  const match = /^\/skiff\/v1\/nodes\/([^/]+)\/credential$/.exec(path);
  if (!match) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (req.method !== 'POST') throw methodNotAllowed();
  if (!mayClaim(user)) throw new ApiError(403, 'Forbidden', `user "${user.name}" cannot claim node credentials: join with the join token (DIR/node-token on the server)`);
  const nodeName = decodeURIComponent(match[1]);
  const invalid = dns1123SubdomainErrors(nodeName);
  if (invalid.length > 0) throw new ApiError(422, 'Invalid', `invalid node name "${nodeName}": ${invalid.join('; ')}`);
  const token = await credentials.claim(nodeName);
  sendJson(res, 201, { nodeName, token });
}
