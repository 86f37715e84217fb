// The `components.schemas` of an OpenAPI v3 document, in the shape kube-apiserver serves:
// every named schema once, under its name; wherever one is used, a `$ref` to it, wrapped as
// `allOf: [{$ref}]` beside the field's own keys (description, patch strategy...) because
// siblings of a bare $ref are ignored in OpenAPI 3.0. kubectl explain and kubectl apply's
// patch computation both follow that wrapping.

import type { Schema } from './schema.ts';

type Json = Record<string, unknown>;

/** Components for these root schemas (each must be named) and every named schema they use. */
export function componentsFor(roots: readonly Schema[]): Record<string, object> {
  const components = new Map<string, Json>();

  const component = (node: Schema): Json => {
    const name = node.name;
    if (!name) throw new Error('componentsFor: a root schema needs a name');
    if (!components.has(name)) {
      // Registered before its body is written, so recursive types end in a $ref.
      const body: Json = {};
      components.set(name, body);
      Object.assign(body, emit(node));
    }
    return { $ref: `#/components/schemas/${name}` };
  };

  const use = (node: Schema): Json => {
    if (node.name) return component(node);
    if (node.ref) {
      const ref = component(node.ref);
      const own = emit(node, node.ref);
      return Object.keys(own).length === 0 ? ref : { allOf: [ref], ...own };
    }
    return emit(node);
  };

  /** A node as JSON; with `base`, only what differs from base. */
  const emit = (node: Schema, base?: Schema): Json => {
    const out: Json = {};
    for (const [key, value] of Object.entries(node) as [keyof Schema, unknown][]) {
      if (key === 'name' || key === 'ref' || value === undefined) continue;
      if (base && base[key] === value) continue;
      if (key === 'properties') {
        const properties: Json = {};
        for (const [field, schema] of Object.entries(value as Record<string, Schema>)) {
          properties[field] = use(schema);
        }
        out.properties = properties;
      } else if (key === 'items' || key === 'additionalProperties' || key === 'not') {
        out[key] = use(value as Schema);
      } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
        out[key] = (value as Schema[]).map(use);
      } else {
        out[key] = value;
      }
    }
    return out;
  };

  for (const root of roots) component(root.ref ?? root);
  return Object.fromEntries([...components.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
