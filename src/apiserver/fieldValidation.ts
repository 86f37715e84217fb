// Decoding checks against the kind's schema, as kube-apiserver's decoder makes them: values of
// the wrong JSON type are a 400 always; unknown and duplicate fields are a 400 under
// fieldValidation=Strict, a Warning header under Warn, and nothing under Ignore.

import type { Schema } from '../api/schema/schema.ts';
import type { KubeObject } from '../api/kind.ts';
import type { RequestContext } from './resources.ts';
import { badRequest, type FieldError } from './errors.ts';
import { schemaOf } from './schemas.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function checkFields(ctx: RequestContext, obj: KubeObject, duplicates: string[], mode: FieldValidation): void {
  const { decl, version } = ctx.served;
  const schema = schemaOf(decl, version);
  const found = schema ? walkSchema(obj, schema) : { unknown: [], typeErrors: [] };
  const cannotHandle = `${obj.kind ?? decl.kind} in version "${version}" cannot be handled as a ${decl.kind}`;
  if (found.typeErrors.length > 0) throw badRequest(`${cannotHandle}: ${found.typeErrors[0]}`);
  if (mode === 'Ignore') return;
  const problems = [...found.unknown.map((f) => `unknown field "${f}"`), ...duplicates.map((f) => `duplicate field "${f}"`)];
  if (problems.length === 0) return;
  if (mode === 'Strict') throw badRequest(`${cannotHandle}: strict decoding error: ${problems.join(', ')}`);
  ctx.res.setHeader('Warning', problems.map((p) => `299 - ${JSON.stringify(p)}`));
}

export interface SchemaFindings {
  unknown: string[];
  typeErrors: string[];
}

/** Walks a value against a schema, collecting unknown field paths and type mismatches. */
export function walkSchema(value: unknown, schema: Schema): SchemaFindings {
  const findings: SchemaFindings = { unknown: [], typeErrors: [] };
  walk(value, schema, '', typeName(schema), findings);
  return findings;
}

function walk(value: unknown, schema: Schema, path: string, parent: string | undefined, out: SchemaFindings): void {
  if (value === null || value === undefined) return;
  const typeError = (jsonType: string) => {
    const owner = shortName(parent) ?? 'object';
    out.typeErrors.push(`json: cannot unmarshal ${jsonType} into Go struct field ${owner}.${path.replace(/\[\d+\]/g, '')} of type ${goType(schema)}`);
  };
  const actual = jsonType(value);
  if (schema['x-kubernetes-int-or-string']) {
    if (actual !== 'number' && actual !== 'string') typeError(actual);
    return;
  }
  switch (schema.type) {
    case 'string':
      if (actual !== 'string') typeError(actual);
      return;
    case 'integer':
      if (actual !== 'number' || !Number.isInteger(value)) typeError(actual === 'number' ? 'number ' + String(value) : actual);
      return;
    case 'number':
      if (actual !== 'number') typeError(actual);
      return;
    case 'boolean':
      if (actual !== 'bool') typeError(actual);
      return;
    case 'array':
      if (actual !== 'array') return typeError(actual);
      if (schema.items) (value as unknown[]).forEach((item, i) => walk(item, schema.items!, `${path}[${i}]`, parent, out));
      return;
  }
  if (schema.type !== 'object' && !schema.properties && !schema.additionalProperties) return;
  if (actual !== 'object') return typeError(actual);
  const here = typeName(schema) ?? parent;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childPath = path ? `${path}.${key}` : key;
    const childSchema = schema.properties?.[key] ?? schema.additionalProperties;
    if (childSchema) walk(child, childSchema, childPath, here, out);
    else if (!schema['x-kubernetes-preserve-unknown-fields']) out.unknown.push(childPath);
  }
}

/** Required fields missing after defaulting: 422 `Required value`, as upstream's validation says. */
export function requiredFieldErrors(value: unknown, schema: Schema | undefined, path = ''): FieldError[] {
  if (!schema || value === null || typeof value !== 'object') return [];
  const out: FieldError[] = [];
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item, i) => out.push(...requiredFieldErrors(item, schema.items, `${path}[${i}]`)));
    return out;
  }
  const obj = value as Record<string, unknown>;
  for (const field of schema.required ?? []) {
    if (obj[field] === undefined || obj[field] === null) out.push({ type: 'FieldValueRequired', field: path ? `${path}.${field}` : field, message: 'Required value' });
  }
  for (const [key, child] of Object.entries(obj)) {
    const childSchema = schema.properties?.[key] ?? schema.additionalProperties;
    out.push(...requiredFieldErrors(child, childSchema, path ? `${path}.${key}` : key));
  }
  return out;
}

/** A field of a named type may be a described copy pointing at the named node. */
function typeName(schema: Schema): string | undefined {
  return schema.name ?? schema.ref?.name;
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function shortName(name: string | undefined): string | undefined {
  return name?.split('.').pop();
}

function goType(schema: Schema): string {
  if (schema['x-kubernetes-int-or-string']) return 'intstr.IntOrString';
  switch (schema.type) {
    case 'string': return 'string';
    case 'integer': return schema.format ?? 'int64';
    case 'number': return 'float64';
    case 'boolean': return 'bool';
    case 'array': return `[]${schema.items ? goType(schema.items) : 'interface {}'}`;
  }
  if (typeName(schema)) return `v1.${shortName(typeName(schema))}`;
  if (schema.additionalProperties) return `map[string]${goType(schema.additionalProperties)}`;
  return 'map[string]interface {}';
}
