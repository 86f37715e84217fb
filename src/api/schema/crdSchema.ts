// The schema of a custom resource version, from its CRD's openAPIV3Schema (JSONSchemaProps).
// Like kube-apiserver, the root (and every embedded resource) gets apiVersion, kind and the
// built-in ObjectMeta for metadata, whatever the CRD wrote there, and the root is named the
// way upstream names CRD components: the group reversed, then version and kind.

import { loadBuiltinSchemas, type GroupVersionKind } from './builtinSchemas.ts';
import { deepFreeze } from './deepFreeze.ts';
import type { Schema, SchemaType, ValidationRule } from './schema.ts';

/** JSONSchemaProps as a CRD holds it (kubernetes-types' type lacks the x-kubernetes keys). */
interface Props {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, Props>;
  required?: string[];
  additionalProperties?: Props | boolean;
  items?: Props | Props[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  allOf?: Props[];
  anyOf?: Props[];
  oneOf?: Props[];
  not?: Props;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-validations'?: ValidationRule[];
}

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** Copied as they are: the keys whose values are plain JSON. */
const plainKeys = [
  'format',
  'description',
  'default',
  'nullable',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
] as const;

/** A frozen schema graph for one custom resource version. */
export function schemaFromJsonSchemaProps(props: object, gvk: GroupVersionKind): Schema {
  const root = convert(props as Props);
  root.name = crdComponentName(gvk);
  root.type ??= 'object';
  root['x-kubernetes-group-version-kind'] = [{ group: gvk.group, version: gvk.version, kind: gvk.kind }];
  addObjectFields(root);
  return deepFreeze(root);
}

/** "stable.example.com", v1, CronTab -> "com.example.stable.v1.CronTab". */
export function crdComponentName(gvk: GroupVersionKind): string {
  return [...gvk.group.split('.').reverse(), gvk.version, gvk.kind].join('.');
}

function convert(props: Props): Schema {
  const schema: Schema = {};
  if (isSchemaType(props.type)) schema.type = props.type;
  for (const key of plainKeys) {
    if (props[key] !== undefined) (schema as Record<string, unknown>)[key] = structuredClone(props[key]);
  }
  if (props.required) schema.required = [...props.required];
  if (props.enum) schema.enum = structuredClone(props.enum);
  if (props.properties) {
    const properties: Record<string, Schema> = {};
    for (const [name, child] of Object.entries(props.properties)) properties[name] = convert(child);
    schema.properties = properties;
  }
  if (typeof props.additionalProperties === 'object') {
    schema.additionalProperties = convert(props.additionalProperties);
  } else if (props.additionalProperties === true) {
    schema.additionalProperties = { 'x-kubernetes-preserve-unknown-fields': true };
  }
  // A list of item schemas (tuple validation) is refused by CRD validation; the first stands in.
  const items = Array.isArray(props.items) ? props.items[0] : props.items;
  if (items) schema.items = convert(items);
  if (props.allOf) schema.allOf = props.allOf.map(convert);
  if (props.anyOf) schema.anyOf = props.anyOf.map(convert);
  if (props.oneOf) schema.oneOf = props.oneOf.map(convert);
  if (props.not) schema.not = convert(props.not);
  const listType = props['x-kubernetes-list-type'];
  if (listType === 'atomic' || listType === 'set' || listType === 'map') schema['x-kubernetes-list-type'] = listType;
  if (props['x-kubernetes-list-map-keys']) schema['x-kubernetes-list-map-keys'] = [...props['x-kubernetes-list-map-keys']];
  const mapType = props['x-kubernetes-map-type'];
  if (mapType === 'atomic' || mapType === 'granular') schema['x-kubernetes-map-type'] = mapType;
  if (props['x-kubernetes-validations']) {
    schema['x-kubernetes-validations'] = structuredClone(props['x-kubernetes-validations']);
  }
  if (schema['x-kubernetes-embedded-resource']) addObjectFields(schema);
  return schema;
}

/** apiVersion, kind and ObjectMeta metadata, described as on built-in kinds. */
function addObjectFields(schema: Schema): void {
  const builtins = loadBuiltinSchemas();
  const objectMeta = builtins.byName(OBJECT_META);
  const status = builtins.byKind({ group: '', version: 'v1', kind: 'Status' });
  if (!objectMeta || !status?.properties) throw new Error('builtin schemas lack ObjectMeta or Status');
  const standard = status.properties;
  const metadata: Schema = { ...objectMeta, ref: objectMeta };
  delete metadata.name;
  const described = builtins.byKind({ group: '', version: 'v1', kind: 'Pod' })?.properties?.metadata.description;
  if (described) metadata.description = described;
  schema.properties = {
    ...schema.properties,
    apiVersion: { type: 'string', description: standard.apiVersion.description },
    kind: { type: 'string', description: standard.kind.description },
    metadata,
  };
}

function isSchemaType(type: string | undefined): type is SchemaType {
  return (
    type === 'object' ||
    type === 'array' ||
    type === 'string' ||
    type === 'integer' ||
    type === 'number' ||
    type === 'boolean'
  );
}
