// Certificates from kubernetes.io/tls Secrets (tls.crt, tls.key) as TLS contexts, made once
// per Secret version: the routing table is rebuilt on every change anywhere, its certificates
// are not. A Secret whose certificate and key do not load is reported once and ignored (its
// hosts get the default certificate).

import { createSecureContext, type SecureContext } from 'node:tls';
import type { Secret } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/kind.ts';
import type { Lister } from '../../client/informer.ts';

export type SecretObject = Secret & KubeObject;

export interface TlsSecrets {
  certificate(namespace: string, name: string): SecureContext | undefined;
  /** Forgets the contexts of Secrets that are gone. */
  prune(): void;
}

export function createTlsSecrets(secrets: Lister<SecretObject>): TlsSecrets {
  const cache = new Map<string, { resourceVersion: string | undefined; context: SecureContext | undefined }>();
  return {
    certificate(namespace, name) {
      const secret = secrets.get(namespace, name);
      if (secret?.type !== 'kubernetes.io/tls') return undefined;
      const key = `${namespace}/${name}`;
      const resourceVersion = secret.metadata?.resourceVersion;
      const cached = cache.get(key);
      if (cached && cached.resourceVersion === resourceVersion) return cached.context;
      const context = loadContext(key, secret);
      cache.set(key, { resourceVersion, context });
      return context;
    },
    prune() {
      for (const key of cache.keys()) {
        const [namespace, name] = key.split('/') as [string, string];
        if (!secrets.get(namespace, name)) cache.delete(key);
      }
    },
  };
}

function loadContext(key: string, secret: SecretObject): SecureContext | undefined {
  const cert = secret.data?.['tls.crt'];
  const privateKey = secret.data?.['tls.key'];
  try {
    if (!cert || !privateKey) throw new Error('tls.crt or tls.key is missing');
    return createSecureContext({ cert: Buffer.from(cert, 'base64'), key: Buffer.from(privateKey, 'base64') });
  } catch (err) {
    console.error(`skiff: ingress: Secret ${key} has no usable certificate: ${(err as Error).message}`);
    return undefined;
  }
}
