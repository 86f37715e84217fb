// The cluster's identity, made on first start and kept in the data dir: a CA, the apiserver's
// serving certificate signed by it, and bearer tokens for the admin and for joining nodes.
// Agents are given the join token (joinToken.ts: the node secret plus a hash pinning the CA).

import { webcrypto, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type * as X509 from '@peculiar/x509';

export interface Credentials {
  caCert: string;
  servingCert: string;
  servingKey: string;
  /** Bearer token of the cluster admin (system:masters). */
  adminToken: string;
  /**
   * The join secret agents authenticate with to claim their node credential (and simulated
   * nodes with for everything); the secret part of DIR/node-token.
   */
  nodeToken: string;
}

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const tenYears = 10 * 365 * 24 * 3600 * 1000;

/** Loads the credentials from dir/pki, creating whatever is missing. */
export async function loadOrCreateCredentials(dir: string): Promise<Credentials> {
  const pki = join(dir, 'pki');
  await mkdir(pki, { recursive: true, mode: 0o700 });
  const file = join(pki, 'credentials.json');
  const existing = await readFile(file, 'utf8').then(JSON.parse, () => undefined);
  if (existing) return existing as Credentials;
  const credentials = await createCredentials();
  await writeFileAtomic(file, JSON.stringify(credentials, null, 2), 0o600);
  return credentials;
}

/** Loaded only on first start: the x509 library (and its reflect polyfill) costs start-up time. */
async function loadX509(): Promise<typeof X509> {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  return x509;
}

async function createCredentials(): Promise<Credentials> {
  const x509 = await loadX509();
  const caKeys = await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify']);
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=skiff-ca@${Math.floor(now / 1000)}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + tenYears),
    keys: caKeys as CryptoKeyPair,
    signingAlgorithm: ecdsa,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const servingKeys = await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify']);
  const serving = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=kube-apiserver',
    issuer: ca.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + tenYears),
    publicKey: servingKeys.publicKey as unknown as X509.PublicKeyType,
    signingKey: caKeys.privateKey as unknown as CryptoKey,
    signingAlgorithm: ecdsa,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'dns', value: hostname() },
        { type: 'dns', value: 'kubernetes' },
        { type: 'dns', value: 'kubernetes.default' },
        { type: 'dns', value: 'kubernetes.default.svc' },
        { type: 'dns', value: 'kubernetes.default.svc.cluster.local' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
        { type: 'ip', value: '10.43.0.1' },
      ]),
    ],
  });
  const key = await webcrypto.subtle.exportKey('pkcs8', servingKeys.privateKey);
  return {
    caCert: ca.toString('pem'),
    servingCert: serving.toString('pem'),
    servingKey: pem('PRIVATE KEY', Buffer.from(key)),
    adminToken: randomBytes(24).toString('hex'),
    nodeToken: randomBytes(24).toString('hex'),
  };
}

/** An admin kubeconfig for a server at https://host:port. */
export function adminKubeconfig(credentials: Credentials, server: string): string {
  const ca = Buffer.from(credentials.caCert).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: skiff',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    '- name: admin',
    '  user:',
    `    token: ${credentials.adminToken}`,
    'contexts:',
    '- name: skiff',
    '  context:',
    '    cluster: skiff',
    '    user: admin',
    'current-context: skiff',
    '',
  ].join('\n');
}

export async function writeFileAtomic(file: string, contents: string, mode = 0o644): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, contents, { mode });
  await rename(temp, file);
}

function pem(label: string, der: Buffer): string {
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

const randomSerial = () => '01' + randomBytes(15).toString('hex');
