// OpenAPI v3, derived from the registry and the kinds' schemas: an index, and one document
// per group-version with every resource's paths (PATCH operations list fieldValidation, which
// kubectl checks before apply/create/edit) and the schemas kubectl explain and apply read.

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KindDeclaration } from '../api/kind.ts';
import type { Registry } from '../api/registry.ts';
import type { Schema } from '../api/schema/schema.ts';
import { componentsFor } from '../api/schema/components.ts';
import { schemaOf } from './schemas.ts';
import { ApiError } from './errors.ts';

interface Document {
  text: string;
  etag: string;
}

export class OpenApi {
  readonly #registry: Registry;
  #documents: Map<string, Document> | undefined;

  constructor(registry: Registry) {
    this.#registry = registry;
    registry.onChange(() => (this.#documents = undefined));
  }

  /** /openapi/v3: where each group-version's document is, with a content hash. */
  index(): object {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [path, doc] of this.#all()) paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${doc.etag.replaceAll('"', '')}` };
    return { paths };
  }

  /** The document at "api/v1" or "apis/apps/v1". */
  document(path: string): Document | undefined {
    return this.#all().get(path);
  }

  serveV2(_req: IncomingMessage, _res: ServerResponse): never {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource (OpenAPI v2 is not served; use /openapi/v3)');
  }

  #all(): Map<string, Document> {
    if (this.#documents) return this.#documents;
    const documents = new Map<string, Document>();
    for (const { group, versions } of this.#registry.groups()) {
      for (const version of versions) {
        const path = group ? `apis/${group}/${version}` : `api/${version}`;
        const text = JSON.stringify(groupVersionDocument(this.#registry, group, version));
        const etag = `"${createHash('sha512').update(text).digest('hex').slice(0, 32).toUpperCase()}"`;
        documents.set(path, { text, etag });
      }
    }
    this.#documents = documents;
    return documents;
  }
}

const patchTypes = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

function groupVersionDocument(registry: Registry, group: string, version: string): object {
  const paths: Record<string, object> = {};
  const roots: Schema[] = [];
  for (const { decl } of registry.servedAt(group, version)) {
    const schema = schemaOf(decl, version);
    if (schema) roots.push(schema);
    Object.assign(paths, resourcePaths(decl, group, version, schema?.name));
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: componentsFor(roots) },
  };
}

function resourcePaths(decl: KindDeclaration, group: string, version: string, schemaName: string | undefined): Record<string, object> {
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const gvk = { group, version, kind: decl.kind };
  const ref = schemaName ? { $ref: `#/components/schemas/${schemaName}` } : { type: 'object' };
  const ns = decl.namespaced ? '/namespaces/{namespace}' : '';
  const verbs = decl.verbs ?? ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
  const body = (types: string[]) => ({ required: true, content: Object.fromEntries(types.map((t) => [t, { schema: ref }])) });
  const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } }, '401': { description: 'Unauthorized' } };
  const op = (action: string, description: string, params: object[], extra: object = {}) => ({
    description,
    operationId: `${action}${decl.kind}`,
    tags: [group ? `${group.split('.')[0]}_${version}` : `core_${version}`],
    parameters: params,
    responses: ok,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...extra,
  });
  const q = (name: string, description: string, type = 'string') => ({ name, in: 'query', description, schema: { type, uniqueItems: true } });
  const writeParams = [
    q('dryRun', 'When present, indicates that modifications should not be persisted.'),
    q('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
    q('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn or Strict.'),
  ];
  const listParams = ['labelSelector', 'fieldSelector', 'continue', 'resourceVersion', 'resourceVersionMatch'].map((n) => q(n, n))
    .concat([q('limit', 'limit', 'integer'), q('timeoutSeconds', 'timeoutSeconds', 'integer'), q('watch', 'watch', 'boolean'), q('allowWatchBookmarks', 'allowWatchBookmarks', 'boolean'), q('sendInitialEvents', 'sendInitialEvents', 'boolean')]);
  const pathParams = (names: string[]) => names.map((name) => ({ name, in: 'path', required: true, description: `${name} of the resource`, schema: { type: 'string', uniqueItems: true } }));
  const nsParams = decl.namespaced ? pathParams(['namespace']) : [];
  const has = (v: string) => verbs.includes(v);

  const paths: Record<string, object> = {};
  const collection: Record<string, object> = { parameters: [...nsParams, q('pretty', 'If true, then the output is pretty printed.')] };
  if (has('list')) collection.get = op('list', `list or watch objects of kind ${decl.kind}`, listParams);
  if (has('create')) collection.post = op('post', `create a ${decl.kind}`, writeParams, { requestBody: body(['*/*']) });
  if (has('deletecollection')) collection.delete = op('deletecollection', `delete collection of ${decl.kind}`, [...listParams, q('gracePeriodSeconds', 'gracePeriodSeconds', 'integer'), q('propagationPolicy', 'propagationPolicy')]);
  paths[`${base}${ns}/${decl.plural}`] = collection;

  const item: Record<string, object> = { parameters: [...pathParams(['name']), ...nsParams, q('pretty', 'If true, then the output is pretty printed.')] };
  if (has('get')) item.get = op('get', `read the specified ${decl.kind}`, []);
  if (has('update')) item.put = op('put', `replace the specified ${decl.kind}`, writeParams, { requestBody: body(['*/*']) });
  // Custom resources take no strategic merge patch: kubectl reads this list to choose.
  const patchBody = body(decl.schema ? patchTypes.filter((t) => !t.startsWith('application/strategic')) : patchTypes);
  if (has('patch')) item.patch = op('patch', `partially update the specified ${decl.kind}`, [...writeParams, q('force', 'Force is going to "force" Apply requests.', 'boolean')], { requestBody: patchBody });
  if (has('delete')) item.delete = op('delete', `delete a ${decl.kind}`, [q('dryRun', 'dryRun'), q('gracePeriodSeconds', 'gracePeriodSeconds', 'integer'), q('propagationPolicy', 'propagationPolicy')]);
  if (has('get')) paths[`${base}${ns}/${decl.plural}/{name}`] = item;

  if (decl.subresources?.status) {
    paths[`${base}${ns}/${decl.plural}/{name}/status`] = {
      parameters: item.parameters,
      get: op('get', `read status of the specified ${decl.kind}`, []),
      put: op('put', `replace status of the specified ${decl.kind}`, writeParams, { requestBody: body(['*/*']) }),
      patch: op('patch', `partially update status of the specified ${decl.kind}`, [...writeParams, q('force', 'force', 'boolean')], { requestBody: patchBody }),
    };
  }
  if (decl.namespaced && has('list')) {
    paths[`${base}/${decl.plural}`] = { parameters: [q('pretty', 'pretty')], get: op('list', `list or watch objects of kind ${decl.kind} in all namespaces`, listParams) };
  }
  return paths;
}
