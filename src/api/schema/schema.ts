// A structural schema: the OpenAPI v3 subset Kubernetes uses, with its x-kubernetes
// extensions, as an in-memory graph. Named types are shared nodes (so recursive types such
// as JSONSchemaProps are cycles in memory and $refs in the OpenAPI documents).

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface Schema {
  /** The OpenAPI component name for a named type, e.g. "io.k8s.api.apps.v1.Deployment". */
  name?: string;
  /**
   * On a field whose type is a named schema but which says more than the type (its own
   * description, patch strategy...): the named schema. The field's node is a copy of it that
   * shares its properties/items objects, so it can be walked like the named node itself;
   * OpenAPI documents emit it as `allOf: [{$ref}]` plus the field's own keys. (A field that
   * adds nothing is the named node itself.) The type of any node: `node.name ?? node.ref?.name`.
   */
  ref?: Schema;
  type?: SchemaType;
  /** int32, int64, double, byte, date-time, int-or-string... */
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  /** A map: every value has this schema. */
  additionalProperties?: Schema;
  items?: Schema;
  /** Allowed values (strings for built-in types; any JSON value in a CRD's schema). */
  enum?: unknown[];
  default?: unknown;
  /** null is allowed as well as the type (CRD schemas). */
  nullable?: boolean;
  /** JSON Schema value constraints (CRD schemas). */
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
  /**
   * Alternatives. Built-in Quantity is `oneOf: [{type: string}, {type: number}]` with no type of
   * its own; CRD schemas may use all four (structural schemas keep types out of them).
   */
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  not?: Schema;
  /** CEL rules the value must satisfy (CRD schemas). */
  'x-kubernetes-validations'?: ValidationRule[];
  /** An integer or a string (IntOrString). */
  'x-kubernetes-int-or-string'?: boolean;
  /** Anything goes below here (RawExtension, CRD fields marked so). */
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  /** apiVersion/kind/metadata of an embedded object (RawExtension-like). */
  'x-kubernetes-embedded-resource'?: boolean;
  /** Strategic merge patch: 'merge', 'replace', 'retainKeys', or 'merge,retainKeys'. */
  'x-kubernetes-patch-strategy'?: string;
  /** Strategic merge patch: the key identifying list elements. */
  'x-kubernetes-patch-merge-key'?: string;
  /** Server-side apply: how a list merges. */
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  /** GroupVersionKinds of a top-level kind. */
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

/** A CEL validation rule of a CRD schema. */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}
