// Applies a PATCH body of any of the four patch types to the object it addresses.

import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../api/kind.ts';
import type { RequestContext } from './resources.ts';
import { apiVersionOf } from './resources.ts';
import { checkFields, type FieldValidation } from './fieldValidation.ts';
import { schemaOf } from './schemas.ts';
import { resetFieldsOf } from './managedFields.ts';
import { badRequest, unsupportedMediaType } from './errors.ts';
import { applyJsonPatch } from './patch/jsonPatch.ts';
import { applyMergePatch } from './patch/mergePatch.ts';
import { applyStrategicMergePatch } from './patch/strategicMerge.ts';
import { applyPatch } from './patch/apply.ts';
import { strategicMergeUnsupported, type PatchResult } from './patch/result.ts';

export interface PatchOptions {
  manager: string;
  force: boolean;
  fieldValidation: FieldValidation;
  /** The target is not the kind itself (a Scale): no schema applies. */
  schemaless?: boolean;
}

export async function applyPatchBody(ctx: RequestContext, type: string, target: KubeObject | undefined, body: Buffer, options: PatchOptions): Promise<KubeObject> {
  const { decl, version } = ctx.served;
  const schema = options.schemaless ? undefined : schemaOf(decl, version);
  const text = body.toString('utf8');
  let result: PatchResult;
  switch (type) {
    case 'application/json-patch+json':
      result = applyJsonPatch(target!, parseJson(text));
      break;
    case 'application/merge-patch+json':
      result = applyMergePatch(target!, parseJson(text));
      break;
    case 'application/strategic-merge-patch+json':
      if (decl.schema) throw strategicMergeUnsupported();
      result = applyStrategicMergePatch(target!, parseJson(text), schema);
      break;
    case 'application/apply-patch+yaml': {
      let applied: unknown;
      try {
        applied = parseYaml(text);
      } catch (err) {
        throw badRequest(`error decoding YAML: ${(err as Error).message.split('\n')[0]}`);
      }
      if (!applied || typeof applied !== 'object' || Array.isArray(applied)) throw badRequest('apply patch must be an object');
      result = applyPatch(target, applied as KubeObject, schema, {
        manager: options.manager,
        force: options.force,
        apiVersion: apiVersionOf(ctx.served),
        now: new Date(),
        subresource: ctx.info.subresource,
        resetFields: resetFieldsOf(decl, ctx.info.subresource),
      });
      break;
    }
    default:
      throw unsupportedMediaType(type);
  }
  if (!result.ok) throw result.error;
  if (!options.schemaless) checkFields(ctx, result.object, [], options.fieldValidation);
  return result.object;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}
