// A self-signed serving certificate: what the ingress presents for names no Ingress has a
// certificate for (as ingress-nginx's "fake certificate"), and what tests make for their hosts.

import { webcrypto, randomBytes } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

export interface CertificateAndKey {
  /** PEM */
  cert: string;
  /** PEM, PKCS#8 */
  key: string;
}

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const oneYear = 365 * 24 * 3600 * 1000;

export async function createSelfSignedCertificate(commonName: string, dnsNames: string[]): Promise<CertificateAndKey> {
  const x509 = await loadX509();
  const keys = (await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: `01${randomBytes(15).toString('hex')}`,
    name: `CN=${commonName}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + oneYear),
    keys,
    signingAlgorithm: ecdsa,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: 'dns' as const, value }))),
    ],
  });
  const key = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return { cert: cert.toString('pem'), key: `-----BEGIN PRIVATE KEY-----\n${key.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n` };
}

/** Loaded when first needed: the library (and its reflect polyfill) costs start-up time. */
async function loadX509(): Promise<typeof X509> {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  return x509;
}
