// The schemas of the built-in kinds, built at server start from the kubernetes-types
// declarations (field structure, required-ness, descriptions), completed by our additions
// for v1.31/v1.32 and by our table of facts the declarations lack (formats, list types,
// patch strategies, enums). Only stable group versions are read, eagerly: about 30 ms.

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { additions, removals } from './builtinAdditions.ts';
import { factsOfField, factsOfType, type FieldFacts } from './builtinFacts.ts';
import { deepFreeze } from './deepFreeze.ts';
import { parseDts, type DtsDecl, type DtsField, type DtsType } from './dts.ts';
import type { Schema } from './schema.ts';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface BuiltinSchemas {
  /** The schema of a top-level kind (Deployment, DeploymentList, Status, DeleteOptions...). */
  byKind(gvk: GroupVersionKind): Schema | undefined;
  /** A named schema by its OpenAPI component name, e.g. "io.k8s.api.core.v1.PodSpec". */
  byName(name: string): Schema | undefined;
  /** Every top-level kind, in component-name order. */
  readonly kinds: readonly GroupVersionKind[];
}

export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

let loaded: BuiltinSchemas | undefined;

/** The built-in schemas, built once per process (frozen: share them, never change them). */
export function loadBuiltinSchemas(): BuiltinSchemas {
  loaded ??= buildBuiltinSchemas();
  return loaded;
}

/** upstream's OpenAPI component name of a type declared in a kubernetes-types module. */
export function componentName(module: string, type: string): string {
  return `${componentPrefixes[module] ?? `io.k8s.api.${module.replace('/', '.')}`}.${type}`;
}

const componentPrefixes: Readonly<Record<string, string>> = {
  'meta/v1': 'io.k8s.apimachinery.pkg.apis.meta.v1',
  'api/resource': 'io.k8s.apimachinery.pkg.api.resource',
  runtime: 'io.k8s.apimachinery.pkg.runtime',
  version: 'io.k8s.apimachinery.pkg.version',
  'apiextensions/v1': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1',
};

interface Module {
  decls: Map<string, DtsDecl>;
  /** Imported name -> the module id it comes from. */
  imports: Map<string, string>;
}

function buildBuiltinSchemas(): BuiltinSchemas {
  const root = dirname(createRequire(import.meta.url).resolve('kubernetes-types/package.json'));
  const modules = new Map<string, Module>();
  const moduleOf = (id: string): Module => {
    let module = modules.get(id);
    if (!module) {
      module = readModule(root, id);
      modules.set(id, module);
    }
    return module;
  };
  const stable = stableModules(root);
  const groupVersions = servedGroupVersions(stable.map(moduleOf));
  const byName = new Map<string, Schema>();

  const named = (module: string, type: string): Schema => {
    const name = componentName(module, type);
    const known = byName.get(name);
    if (known) return known;
    const decl = moduleOf(module).decls.get(type);
    if (!decl) throw new Error(`kubernetes-types: no ${type} in ${module}`);
    const node: Schema = { name };
    byName.set(name, node);
    const factKey = `${module.replace('/', '.')}.${type}`;
    const facts = factsOfType(factKey) ?? {};
    if (decl.doc) node.description = decl.doc;
    if (facts.format) node.format = facts.format;
    if (facts.preserve) node['x-kubernetes-preserve-unknown-fields'] = true;
    if (decl.kind === 'alias') {
      if (facts.stringOrNumber) node.oneOf = [{ type: 'string' }, { type: 'number' }];
      else if (!facts.any) Object.assign(node, shape(module, decl.type, {}));
      return node;
    }
    if (!facts.any) node.type = 'object';
    if (facts.mapType) node['x-kubernetes-map-type'] = facts.mapType;
    const gvks = kindsOf(decl.fields, type, facts.kind, groupVersions);
    if (gvks) node['x-kubernetes-group-version-kind'] = gvks;
    const required = decl.fields.filter((field) => !field.optional).map((field) => field.name);
    if (required.length > 0) node.required = required;
    if (decl.fields.length === 0) return node;
    // Assigned before it is filled, so copies made for recursive fields share it.
    const properties: Record<string, Schema> = {};
    node.properties = properties;
    for (const field of decl.fields) properties[field.name] = fieldSchema(module, factKey, field);
    return node;
  };

  const fieldSchema = (module: string, factKey: string, field: DtsField): Schema => {
    const facts = factsOfField(factKey, field.name) ?? {};
    const where = `${factKey}.${field.name}`;
    const base = shape(module, field.type, facts, where);
    const own: Schema = {};
    if (field.doc && field.doc !== base.description) own.description = field.doc;
    if (facts.listType) {
      if (base.type !== 'array') throw new Error(`builtin-facts: ${where} is not a list`);
      own['x-kubernetes-list-type'] = facts.listType;
      if (facts.listMapKeys) own['x-kubernetes-list-map-keys'] = facts.listMapKeys;
    }
    if (facts.patchStrategy) own['x-kubernetes-patch-strategy'] = facts.patchStrategy;
    if (facts.patchMergeKey) own['x-kubernetes-patch-merge-key'] = facts.patchMergeKey;
    if (facts.mapType) own['x-kubernetes-map-type'] = facts.mapType;
    if (facts.default !== undefined) own.default = facts.default;
    if (!base.name) return Object.assign(base, own);
    if (Object.keys(own).length === 0) return base;
    const copy: Schema = { ...base, ...own, ref: base };
    delete copy.name;
    return copy;
  };

  /** The schema of a type expression; `facts` apply to its scalar leaf (format, enum). */
  const shape = (module: string, type: DtsType, facts: FieldFacts, where = module): Schema => {
    switch (type.kind) {
      case 'primitive':
        return scalar(type.name, facts, where);
      case 'literal':
        return { type: 'string' };
      case 'array':
        return { type: 'array', items: shape(module, type.items, facts, where) };
      case 'map':
        return { type: 'object', additionalProperties: shape(module, type.values, facts, where) };
      case 'union':
        if (isIntOrString(type)) return intOrString(byName);
        throw new Error(`kubernetes-types: unsupported union at ${where}`);
      case 'ref': {
        if (facts.format || facts.enum) throw new Error(`builtin-facts: ${where} is not a scalar`);
        const local = moduleOf(module).decls.has(type.name);
        const from = local ? module : moduleOf(module).imports.get(type.name);
        if (!from) throw new Error(`kubernetes-types: unknown type ${type.name} at ${where}`);
        return named(from, type.name);
      }
    }
  };

  for (const module of stable) for (const type of moduleOf(module).decls.keys()) named(module, type);
  intOrString(byName);

  const byKind = new Map<string, Schema>();
  const kinds: GroupVersionKind[] = [];
  for (const name of [...byName.keys()].sort()) {
    const node = byName.get(name)!;
    for (const gvk of node['x-kubernetes-group-version-kind'] ?? []) {
      byKind.set(kindKey(gvk), node);
      kinds.push(gvk);
    }
  }
  deepFreeze([...byName.values()]);
  return {
    byKind: (gvk) => byKind.get(kindKey(gvk)),
    byName: (name) => byName.get(name),
    kinds,
  };
}

function scalar(type: 'string' | 'number' | 'boolean', facts: FieldFacts, where: string): Schema {
  const { format, enum: values } = facts;
  if (type === 'number' && values === undefined && format !== 'byte') {
    return format === 'double' ? { type: 'number', format } : { type: 'integer', format: format ?? 'int32' };
  }
  if (type === 'string' && (format === undefined || format === 'byte')) {
    const node: Schema = { type: 'string' };
    if (format) node.format = format;
    if (values) node.enum = [...values];
    return node;
  }
  if (type === 'boolean' && format === undefined && values === undefined) return { type: 'boolean' };
  throw new Error(`builtin-facts: ${where} is a ${type}, the facts do not fit it`);
}

function isIntOrString(type: DtsType & { kind: 'union' }): boolean {
  const names = type.options.map((option) => (option.kind === 'primitive' ? option.name : option.kind));
  return names.length === 2 && names.includes('number') && names.includes('string');
}

/** IntOrString is inlined as `number | string` in the declarations; upstream names it. */
function intOrString(byName: Map<string, Schema>): Schema {
  let node = byName.get(INT_OR_STRING);
  if (!node) {
    node = {
      name: INT_OR_STRING,
      description:
        'An integer or a string, as the field allows: a port number or a port name, a count or a percentage such as "25%".',
      format: 'int-or-string',
      'x-kubernetes-int-or-string': true,
    };
    byName.set(INT_OR_STRING, node);
  }
  return node;
}

/** A kind's GVKs: from its apiVersion and kind literals, or from the facts for meta kinds. */
function kindsOf(
  fields: DtsField[],
  type: string,
  kind: 'core' | 'everywhere' | undefined,
  groupVersions: readonly { group: string; version: string }[],
): GroupVersionKind[] | undefined {
  const apiVersion = literalOf(fields, 'apiVersion');
  const kindName = literalOf(fields, 'kind');
  if (apiVersion && kindName) return [{ ...splitApiVersion(apiVersion), kind: kindName }];
  if (kind === 'core') return [{ group: '', version: 'v1', kind: type }];
  if (kind === 'everywhere') return groupVersions.map((gv) => ({ ...gv, kind: type }));
  return undefined;
}

function literalOf(fields: DtsField[], name: string): string | undefined {
  const type = fields.find((field) => field.name === name)?.type;
  return type?.kind === 'literal' ? type.value : undefined;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function servedGroupVersions(modules: Module[]): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const module of modules) {
    for (const decl of module.decls.values()) {
      const apiVersion = decl.kind === 'interface' ? literalOf(decl.fields, 'apiVersion') : undefined;
      if (apiVersion) seen.set(apiVersion, splitApiVersion(apiVersion));
    }
  }
  return [...seen.keys()].sort().map((key) => seen.get(key)!);
}

function kindKey(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}/${gvk.kind}`;
}

/** Module ids ("apps/v1", "meta/v1", "runtime") of the stable (served by default) versions. */
function stableModules(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.d.ts') && !/alpha|beta/.test(file))
    .map((file) => file.slice(0, -'.d.ts'.length).split('\\').join('/'))
    .sort();
}

/** One declaration file, with our additions merged in and removals taken out. */
function readModule(root: string, id: string): Module {
  const parsed = parseDts(readFileSync(join(root, `${id}.d.ts`), 'utf8'));
  const decls = new Map(parsed.decls.map((decl) => [decl.name, decl]));
  const imports = new Map<string, string>();
  const addImports = (from: Map<string, string>): void => {
    for (const [name, path] of from) imports.set(name, posix.join(posix.dirname(id), path));
  };
  addImports(parsed.imports);
  const extra = additions[id];
  if (extra !== undefined) {
    const added = parseDts(extra);
    addImports(added.imports);
    for (const decl of added.decls) decls.set(decl.name, mergeDecl(decls.get(decl.name), decl));
  }
  for (const removal of removals) {
    const slash = removal.lastIndexOf('/');
    if (removal.slice(0, slash) !== id) continue;
    const [type, field] = removal.slice(slash + 1).split('.');
    const decl = decls.get(type);
    if (field === undefined && decl) decls.delete(type);
    else if (decl?.kind === 'interface' && decl.fields.some((f) => f.name === field)) {
      decl.fields = decl.fields.filter((f) => f.name !== field);
    } else throw new Error(`builtin-additions: no ${removal} to remove`);
  }
  return { decls, imports };
}

/** Declaration merging: an added interface adds fields to the one of that name, or replaces some. */
function mergeDecl(existing: DtsDecl | undefined, added: DtsDecl): DtsDecl {
  if (!existing) return added;
  if (existing.kind !== 'interface' || added.kind !== 'interface') {
    throw new Error(`builtin-additions: ${added.name} can only merge into an interface`);
  }
  const fields = new Map(existing.fields.map((field) => [field.name, field]));
  for (const field of added.fields) {
    fields.set(field.name, { ...field, doc: field.doc ?? fields.get(field.name)?.doc });
  }
  const merged = [...fields.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ...existing, doc: added.doc ?? existing.doc, fields: merged };
}
