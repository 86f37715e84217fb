// TEMPORARY until src/apiserver/patch lands (this session).
import type { KubeObject } from '../api/kind.ts';
import type { ApiServerCore } from './core.ts';
import type { RequestContext } from './resources.ts';
import type { FieldValidation } from './fieldValidation.ts';
import { unsupportedMediaType } from './errors.ts';

export interface PatchOptions { manager: string; force: boolean; fieldValidation: FieldValidation; schemaless?: boolean }

export async function applyPatchBody(_api: ApiServerCore, _ctx: RequestContext, type: string, target: KubeObject | undefined, body: Buffer, _o: PatchOptions): Promise<KubeObject> {
  if (type === 'application/merge-patch+json' && target) return merge(target, JSON.parse(body.toString())) as KubeObject;
  throw unsupportedMediaType(type);
}
function merge(t: any, p: any): any {
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return p;
  const out = t && typeof t === 'object' && !Array.isArray(t) ? { ...t } : {};
  for (const [k, v] of Object.entries(p)) { if (v === null) delete out[k]; else out[k] = merge(out[k], v); }
  return out;
}
