// The join token in DIR/node-token, in k3s's "secure" form: K10<ca hash>::server:<secret>.
// The hash is the SHA-256 (hex) of the CA certificate's PEM text exactly as GET /cacerts
// serves it, so an agent can fetch the CA over an unverified connection and still know it
// is the cluster's. The secret is the bearer token agents join with. A bare secret (a token
// without the K10 prefix, as older data dirs wrote) carries no hash.

import { createHash } from 'node:crypto';

export interface JoinToken {
  /** SHA-256 hex of the CA PEM; absent for a bare secret. */
  caHash?: string;
  secret: string;
}

const prefix = 'K10';

/** The hash a join token pins: of the PEM text as /cacerts serves it. */
export function caHashOf(caPem: string): string {
  return createHash('sha256').update(caPem).digest('hex');
}

export function formatJoinToken(caPem: string, secret: string): string {
  return `${prefix}${caHashOf(caPem)}::server:${secret}`;
}

/** Throws for a K10 token that is not well formed (a token cut short when copied, say). */
export function parseJoinToken(token: string): JoinToken {
  const text = token.trim();
  if (!text.startsWith(prefix)) return { secret: text };
  const separator = text.indexOf('::');
  const caHash = separator < 0 ? '' : text.slice(prefix.length, separator).toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(caHash)) throw new Error('malformed join token: expected K10<64 hex digits>::server:<secret>');
  // k3s writes "server:<secret>" after the separator (a user name, then the secret).
  const credentials = text.slice(separator + 2);
  const colon = credentials.indexOf(':');
  const secret = colon < 0 ? credentials : credentials.slice(colon + 1);
  if (!secret) throw new Error('malformed join token: no secret after "::server:"');
  return { caHash, secret };
}
