// The pod-template-hash: upstream's ComputeHash is FNV-32a over the template (printed by Go's
// spew) plus the collision count, its decimal rendered with SafeEncodeString. We hash the
// template's canonical JSON (keys sorted) instead of spew output, so values look like
// upstream's ("5d78c9869d") and are stable across restarts, but are not byte-equal to them.

import { semanticEqual } from '../../api/groups/semanticEqual.ts';
import type { PodTemplateSpec } from '../../api/objects.ts';

export const podTemplateHashLabel = 'pod-template-hash';

export function computeHash(template: PodTemplateSpec, collisionCount?: number): string {
  let hash = fnv32a(0x811c9dc5, new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    // Go writes the uint32 little-endian into an 8-byte buffer.
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(hash, bytes);
  }
  return safeEncodeString(String(hash));
}

function fnv32a(seed: number, bytes: Uint8Array): number {
  let hash = seed;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

const alphanums = 'bcdfghjklmnpqrstvwxz2456789';

/** apimachinery's rand.SafeEncodeString: no vowels, no 0/1/3, so no words and no confusion. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += alphanums[s.charCodeAt(i) % alphanums.length];
  return out;
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

/** Templates equal but for the pod-template-hash label (upstream's EqualIgnoreHash, semantically). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return semanticEqual(withoutHash(a), withoutHash(b));
}

function withoutHash(template: PodTemplateSpec | undefined): PodTemplateSpec | undefined {
  const labels = template?.metadata?.labels;
  if (!labels || !(podTemplateHashLabel in labels)) return template;
  const { [podTemplateHashLabel]: _hash, ...rest } = labels;
  return { ...template, metadata: { ...template!.metadata, labels: rest } };
}
