// The REST handlers of resources: get, list, watch, create, update, patch, delete,
// deletecollection, and the status, scale, binding and finalize subresources.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { KindDeclaration, KubeObject } from '../api/kind.ts';
import type { ServedResource } from '../api/registry.ts';
import type { ResourceRequest } from './requestInfo.ts';
import type { ApiServerCore } from './core.ts';
import { ApiError, badRequest, conflict, invalid, methodNotAllowed, notFound, successStatus, type FieldError } from './errors.ts';
import { decodeBody, mediaType, readBody } from './body.ts';
import { parseFieldSelector, parseLabelSelector, type Predicate } from './selectors.ts';
import { toTable, wantsTable, type IncludeObject } from './table.ts';
import { serveWatch } from './watch.ts';
import { applyPatchBody } from './patching.ts';
import { checkFields, type FieldValidation } from './fieldValidation.ts';
import type { KindStorage, DeleteOptions } from './storage.ts';
import type { NodeDialer, Upgrade } from './nodeDialer.ts';
import { sendJson, sendList } from './respond.ts';
import { podStreamSubresources, serveNodeProxy, servePodStream } from './podStreams.ts';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  info: ResourceRequest;
  served: ServedResource;
  storage: KindStorage;
  /** The authenticated user's name, for managedFields' default manager. */
  user: string;
  /** Set for an HTTP upgrade (exec, attach, port-forward): `res` writes onto this socket until the handler takes it over. */
  upgrade?: Upgrade;
  /** Reaches nodes' kubelets (log, exec, attach, portforward). */
  nodeDialer?: NodeDialer;
}

export async function handleResource(api: ApiServerCore, ctx: RequestContext): Promise<void> {
  const { info } = ctx;
  const sub = info.subresource;
  if (sub && podStreamSubresources.has(sub) && ctx.served.decl.kind === 'Pod') return servePodStream(ctx);
  if (sub === 'proxy' && ctx.served.decl.kind === 'Node') return serveNodeProxy(ctx);
  if (sub === 'status') return handleStatus(api, ctx);
  if (sub === 'scale' && ctx.served.decl.subresources?.scale) return handleScale(api, ctx);
  if (sub === 'binding' && ctx.served.decl.kind === 'Pod' && info.verb === 'create') return bind(api, ctx);
  if (sub === 'finalize' && ctx.served.decl.kind === 'Namespace' && info.verb === 'update') return update(api, ctx, finalizeMutation);
  if (sub) throw notFound({ group: info.group, plural: `${info.plural}/${sub}` }, info.name ?? '');
  if (ctx.served.decl.kind === 'Binding' && info.verb === 'create') return bind(api, ctx);
  const verbs = ctx.served.decl.verbs;
  if (verbs && !verbs.includes(info.verb)) throw methodNotAllowed();
  switch (info.verb) {
    case 'get': return sendObject(ctx, 200, await ctx.storage.get(info.namespace, info.name!));
    case 'list': return list(api, ctx);
    case 'watch': return watch(ctx);
    case 'create': return create(api, ctx);
    case 'update': return update(api, ctx, replaceMutation);
    case 'patch': return patch(api, ctx);
    case 'delete': return remove(api, ctx);
    case 'deletecollection': return removeCollection(api, ctx);
    default: throw methodNotAllowed();
  }
}

// ---- reads

async function list(api: ApiServerCore, ctx: RequestContext): Promise<void> {
  const q = ctx.url.searchParams;
  const matches = selectorOf(ctx);
  const result = await api.listObjects(ctx.storage, ctx.info.namespace, matches, {
    limit: Number(q.get('limit') ?? 0) || undefined,
    continueToken: q.get('continue') ?? undefined,
    resourceVersion: q.get('resourceVersion') ?? undefined,
    resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
    sendInitialEvents: sendInitialEventsOf(q),
  });
  const listMeta: Record<string, unknown> = { resourceVersion: String(result.revision) };
  if (result.continueToken) listMeta.continue = result.continueToken;
  if (result.remaining !== undefined) listMeta.remainingItemCount = result.remaining;
  const items = result.items.map((o) => fromStored(ctx.served, o));
  if (wantsTable(ctx.req.headers.accept)) return sendJson(ctx.res, 200, toTable(ctx.served.decl, items, includeObjectOf(ctx), listMeta));
  sendList(ctx.res, { kind: `${ctx.served.decl.kind}List`, apiVersion: apiVersionOf(ctx.served), metadata: listMeta }, items);
}

function watch(ctx: RequestContext): Promise<void> {
  const q = ctx.url.searchParams;
  return serveWatch(ctx, namedSelectorOf(ctx), {
    resourceVersion: q.get('resourceVersion') ?? '',
    resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
    allowBookmarks: q.get('allowWatchBookmarks') === 'true',
    sendInitialEvents: sendInitialEventsOf(q),
    timeoutSeconds: Number(q.get('timeoutSeconds') ?? 0) || undefined,
    table: wantsTable(ctx.req.headers.accept) ? includeObjectOf(ctx) : undefined,
    convert: (o) => fromStored(ctx.served, o),
  });
}

/** A watch of one object (…/watch/…/name) selects metadata.name=name, as upstream. */
function namedSelectorOf(ctx: RequestContext): Predicate {
  const matches = selectorOf(ctx);
  const name = ctx.info.name;
  if (!name) return matches;
  const terms = (ctx.url.searchParams.get('fieldSelector') ?? '').split(',').map((t) => t.replace(/\s/g, '')).filter(Boolean);
  if (terms.length > 0 && !terms.includes(`metadata.name=${name}`) && !terms.includes(`metadata.name==${name}`)) {
    throw badRequest("fieldSelector metadata.name doesn't match requested name");
  }
  return (o) => o.metadata?.name === name && matches(o);
}

function sendInitialEventsOf(q: URLSearchParams): boolean | undefined {
  return q.has('sendInitialEvents') ? q.get('sendInitialEvents') === 'true' : undefined;
}

export function selectorOf(ctx: RequestContext): Predicate {
  const q = ctx.url.searchParams;
  const labels = parseLabelSelector(q.get('labelSelector') ?? '');
  const fields = parseFieldSelector(q.get('fieldSelector') ?? '', ctx.served.decl.fieldSelectors);
  return (o) => labels(o) && fields(o);
}

function includeObjectOf(ctx: RequestContext): IncludeObject {
  const v = ctx.url.searchParams.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

// ---- writes

interface WriteParams {
  dryRun: boolean;
  fieldManager?: string;
  fieldValidation: FieldValidation;
}

/** The write options of the query, checked as upstream's Validate{Create,Update,Patch}Options. */
function writeParams(ctx: RequestContext): WriteParams {
  const q = ctx.url.searchParams;
  const errors = dryRunErrors(q);
  const fv = q.get('fieldValidation') ?? 'Warn';
  if (!['', 'Strict', 'Warn', 'Ignore'].includes(fv)) {
    errors.push({ type: 'FieldValueNotSupported', field: 'fieldValidation', message: `Unsupported value: ${JSON.stringify(fv)}: supported values: "", "Ignore", "Strict", "Warn"` });
  }
  const fieldManager = q.get('fieldManager') ?? undefined;
  if (fieldManager && Buffer.byteLength(fieldManager) > 128) errors.push({ type: 'FieldValueTooLong', field: 'fieldManager', message: 'Too long: may not be more than 128 bytes' });
  const optionsKind = ctx.info.verb === 'create' ? 'CreateOptions' : ctx.info.verb === 'patch' ? 'PatchOptions' : 'UpdateOptions';
  if (errors.length > 0) throw invalid(optionsKind, 'meta.k8s.io', '', errors);
  return { dryRun: q.has('dryRun'), fieldManager, fieldValidation: (fv || 'Warn') as FieldValidation };
}

/** dryRun takes only "All". */
function dryRunErrors(q: URLSearchParams, values = q.getAll('dryRun')): FieldError[] {
  if (values.every((d) => d === 'All')) return [];
  return [{ type: 'FieldValueNotSupported', field: 'dryRun', message: `Unsupported value: []string{${values.map((d) => JSON.stringify(d)).join(', ')}}: supported values: "All"` }];
}

/** The manager recorded in managedFields: ?fieldManager, else derived from the user agent. */
function managerOf(ctx: RequestContext, params: WriteParams): string {
  if (params.fieldManager) return params.fieldManager;
  const agent = ctx.req.headers['user-agent'] ?? 'unknown';
  return agent.split('/')[0] || 'unknown';
}

/** Decodes a body into the stored version of this kind, checking apiVersion, kind and fields. */
async function readObject(ctx: RequestContext, params: WriteParams): Promise<KubeObject> {
  const body = await readBody(ctx.req);
  const { object, duplicates } = decodeBody(body, ctx.req.headers['content-type'], params.fieldValidation !== 'Ignore');
  if (!object || typeof object !== 'object' || Array.isArray(object)) throw badRequest('Object \'Kind\' is missing in \'' + body.toString('utf8').slice(0, 100) + '\'');
  checkTypeMeta(ctx, object);
  checkFields(ctx, object, duplicates, params.fieldValidation);
  return toStored(ctx.served, object);
}

function checkTypeMeta(ctx: RequestContext, obj: KubeObject): void {
  const want = apiVersionOf(ctx.served);
  const decl = ctx.served.decl;
  // Built-in endpoints default a missing kind and apiVersion, as upstream's decoder does.
  if (!obj.kind && !decl.schema) {
    obj.kind = decl.kind;
    obj.apiVersion ??= want;
  }
  const { kind, apiVersion } = obj;
  if (!kind) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(obj).slice(0, 200)}'`);
  if (ctx.info.subresource) return;
  if (kind !== decl.kind) {
    throw badRequest(`${kind} in version "${String(apiVersion).split('/').pop()}" cannot be handled as a ${decl.kind}: no kind "${kind}" is registered for version "${apiVersion}"`);
  }
  if (apiVersion !== want) throw badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${want})`);
}

async function create(api: ApiServerCore, ctx: RequestContext): Promise<void> {
  const params = writeParams(ctx);
  const obj = await readObject(ctx, params);
  const created = await api.createObject(ctx.storage, ctx.info.namespace, obj, { dryRun: params.dryRun, manager: managerOf(ctx, params), user: ctx.user });
  sendObject(ctx, 201, created);
}

/** PUT: the body replaces the object. */
const replaceMutation = (_current: KubeObject, next: KubeObject) => next;

/** PUT /namespaces/x/finalize: only spec.finalizers change. */
const finalizeMutation = (current: KubeObject, next: KubeObject) => ({ ...withPrecondition(current, next), spec: { ...(current as any).spec, finalizers: (next as any).spec?.finalizers ?? [] } });

/**
 * A write to …/status, as upstream's status strategies shape it: status and metadata from the
 * body (its resourceVersion a precondition), spec and the rest as stored; some kinds also keep
 * some metadata (custom resources all of what ResetObjectMetaForStatus resets).
 */
function statusUpdate(decl: KindDeclaration, current: KubeObject, next: KubeObject): KubeObject {
  const { metadata: _metadata, status: _status, ...stored } = current;
  const updated: KubeObject = { ...stored, metadata: { ...next.metadata }, status: next.status };
  for (const field of statusKeepsMetadata(decl)) {
    if (current.metadata?.[field] === undefined) delete updated.metadata![field];
    else updated.metadata![field] = current.metadata[field];
  }
  return updated;
}

function statusKeepsMetadata(decl: KindDeclaration): string[] {
  if (decl.schema) return ['labels', 'annotations', 'finalizers', 'ownerReferences'];
  if (decl.kind === 'Pod') return ['ownerReferences'];
  if (decl.kind === 'Deployment') return ['labels'];
  return [];
}

/** The stored object, with the body's resourceVersion (if any) as the write's precondition. */
function withPrecondition(current: KubeObject, next: KubeObject): KubeObject {
  const rv = next.metadata?.resourceVersion;
  return rv ? { ...current, metadata: { ...current.metadata, resourceVersion: rv } } : current;
}

async function update(api: ApiServerCore, ctx: RequestContext, merge: (current: KubeObject, next: KubeObject) => KubeObject): Promise<void> {
  const params = writeParams(ctx);
  const next = await readObject(ctx, params);
  const { namespace, name } = ctx.info;
  if (next.metadata?.name && next.metadata.name !== name) {
    throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
  }
  let created = false;
  const result = await api.updateObject(ctx.storage, namespace, name!, (current) => {
    if (!current) {
      created = true;
      return { ...next, metadata: { ...next.metadata, name, ...(ctx.storage.decl.namespaced ? { namespace } : {}) } };
    }
    return merge(current, next);
  }, { dryRun: params.dryRun, manager: managerOf(ctx, params), user: ctx.user, subresource: ctx.info.subresource, allowCreate: allowsCreateOnUpdate(ctx.served.decl), keepStatus: ctx.info.subresource !== 'status' });
  sendObject(ctx, created ? 201 : 200, result);
}

/** Kinds whose PUT may create (upstream strategies' AllowCreateOnUpdate), as group/Kind. */
const createOnUpdate = new Set([
  '/Endpoints', '/Event', '/LimitRange', '/Service', 'events.k8s.io/Event', 'coordination.k8s.io/Lease', 'node.k8s.io/RuntimeClass',
  'rbac.authorization.k8s.io/Role', 'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/RoleBinding', 'rbac.authorization.k8s.io/ClusterRoleBinding',
]);

function allowsCreateOnUpdate(decl: KindDeclaration): boolean {
  return createOnUpdate.has(`${decl.group}/${decl.kind}`);
}

async function patch(api: ApiServerCore, ctx: RequestContext, onlyStatus = false): Promise<void> {
  const params = writeParams(ctx);
  const type = mediaType(ctx.req.headers['content-type']);
  const body = await readBody(ctx.req);
  const { namespace, name } = ctx.info;
  const force = ctx.url.searchParams.get('force') === 'true';
  const isApply = type === 'application/apply-patch+yaml';
  if (isApply && !params.fieldManager) throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', { causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }] });
  if (!isApply && force) throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch', { causes: [{ reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' }] });
  let created = false;
  const result = await api.updateObject(ctx.storage, namespace, name!, async (current) => {
    if (!current && !isApply) throw notFound(ctx.storage.decl, name!);
    const target = current ? fromStored(ctx.served, current) : undefined;
    const patched = await applyPatchBody(ctx, type, target, body, { manager: managerOf(ctx, params), force, fieldValidation: params.fieldValidation });
    if (!current) {
      created = true;
      return toStored(ctx.served, { ...patched, metadata: { ...patched.metadata, name, ...(ctx.storage.decl.namespaced ? { namespace } : {}) } });
    }
    const stored = toStored(ctx.served, patched);
    if (onlyStatus) return statusUpdate(ctx.served.decl, current, stored);
    return stored;
  }, { dryRun: params.dryRun, manager: managerOf(ctx, params), user: ctx.user, subresource: ctx.info.subresource, allowCreate: isApply, keepStatus: !onlyStatus, operation: isApply ? 'Apply' : 'Update' });
  sendObject(ctx, created ? 201 : 200, result);
}

async function remove(api: ApiServerCore, ctx: RequestContext): Promise<void> {
  const options = await deleteOptions(ctx);
  const { object, deleted } = await api.deleteObject(ctx.storage, ctx.info.namespace, ctx.info.name!, options);
  if (!deleted || ctx.served.decl.kind === 'Pod' || ctx.served.decl.kind === 'Namespace') return sendObject(ctx, 200, object);
  const decl = ctx.served.decl;
  sendJson(ctx.res, 200, successStatus({ name: object.metadata!.name, group: decl.group, kind: decl.plural, uid: object.metadata!.uid }));
}

async function removeCollection(api: ApiServerCore, ctx: RequestContext): Promise<void> {
  const options = await deleteOptions(ctx);
  const matches = selectorOf(ctx);
  const { items } = await api.listObjects(ctx.storage, ctx.info.namespace, matches, {});
  const deleted: KubeObject[] = [];
  for (const item of items) {
    try {
      deleted.push((await api.deleteObject(ctx.storage, item.metadata!.namespace, item.metadata!.name!, options)).object);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
  sendJson(ctx.res, 200, { kind: `${ctx.served.decl.kind}List`, apiVersion: apiVersionOf(ctx.served), metadata: {}, items: deleted.map((o) => fromStored(ctx.served, o)) });
}

async function deleteOptions(ctx: RequestContext): Promise<DeleteOptions> {
  const q = ctx.url.searchParams;
  const body = await readBody(ctx.req);
  let opts: any = {};
  if (body.length > 0) opts = decodeBody(body, ctx.req.headers['content-type'], false).object ?? {};
  const grace = q.get('gracePeriodSeconds') ?? opts.gracePeriodSeconds;
  const policy = q.get('propagationPolicy') ?? opts.propagationPolicy ?? (q.get('orphanDependents') === 'true' || opts.orphanDependents === true ? 'Orphan' : undefined);
  if (policy && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw invalid('DeleteOptions', 'meta.k8s.io', '', [{ type: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"` }]);
  }
  const dryRunValues = [...q.getAll('dryRun'), ...(Array.isArray(opts.dryRun) ? opts.dryRun : [])];
  const dryRunInvalid = dryRunErrors(q, dryRunValues);
  if (dryRunInvalid.length > 0) throw invalid('DeleteOptions', 'meta.k8s.io', '', dryRunInvalid);
  const dryRun = dryRunValues.length > 0;
  return {
    gracePeriodSeconds: grace === undefined || grace === null ? undefined : Number(grace),
    propagationPolicy: policy,
    preconditions: opts.preconditions,
    dryRun,
  };
}

// ---- subresources

async function handleStatus(api: ApiServerCore, ctx: RequestContext): Promise<void> {
  if (!ctx.served.decl.subresources?.status) throw notFound({ group: ctx.info.group, plural: `${ctx.info.plural}/status` }, ctx.info.name ?? '');
  switch (ctx.info.verb) {
    case 'get': return sendObject(ctx, 200, await ctx.storage.get(ctx.info.namespace, ctx.info.name!));
    case 'update': return update(api, ctx, (current, next) => statusUpdate(ctx.served.decl, current, next));
    case 'patch': return patch(api, ctx, true);
    default: throw methodNotAllowed();
  }
}

async function handleScale(api: ApiServerCore, ctx: RequestContext): Promise<void> {
  const { namespace, name } = ctx.info;
  const scaleOf = (obj: KubeObject) => ({
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: obj.metadata!.name, namespace: obj.metadata!.namespace, uid: obj.metadata!.uid, resourceVersion: obj.metadata!.resourceVersion, creationTimestamp: obj.metadata!.creationTimestamp },
    spec: { replicas: (obj as any).spec?.replicas ?? 0 },
    status: { replicas: (obj as any).status?.replicas ?? 0, selector: selectorString((obj as any).spec?.selector) },
  });
  if (ctx.info.verb === 'get') return sendJson(ctx.res, 200, scaleOf(await ctx.storage.get(namespace, name!)));
  if (ctx.info.verb !== 'update' && ctx.info.verb !== 'patch') throw methodNotAllowed();
  const params = writeParams(ctx);
  const type = mediaType(ctx.req.headers['content-type']);
  const body = await readBody(ctx.req);
  const result = await api.updateObject(ctx.storage, namespace, name!, async (current) => {
    if (!current) throw notFound(ctx.storage.decl, name!);
    const scale = scaleOf(current);
    const wanted: any = ctx.info.verb === 'update'
      ? decodeBody(body, ctx.req.headers['content-type'], false).object
      : await applyPatchBody(ctx, type, scale, body, { manager: managerOf(ctx, params), force: false, fieldValidation: 'Ignore', schemaless: true });
    const replicas = wanted?.spec?.replicas;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw invalid('Scale', 'autoscaling', name!, [{ type: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
    }
    const rv = wanted?.metadata?.resourceVersion;
    return { ...current, metadata: { ...current.metadata, ...(rv ? { resourceVersion: rv } : {}) }, spec: { ...(current as any).spec, replicas } };
  }, { dryRun: params.dryRun, manager: managerOf(ctx, params), user: ctx.user, subresource: ctx.info.subresource, keepStatus: true });
  sendJson(ctx.res, 200, scaleOf(result));
}

/** The label selector as a string, the way a Scale's status.selector shows it. */
function selectorString(selector: any): string {
  if (!selector) return '';
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator.toLowerCase()} (${e.values.join(',')})`);
  }
  return parts.join(',');
}

/** POST pods/x/binding (or a Binding object): assigns a node to an unscheduled pod. */
async function bind(api: ApiServerCore, ctx: RequestContext): Promise<void> {
  const params = writeParams(ctx);
  const body = await readBody(ctx.req);
  const binding: any = decodeBody(body, ctx.req.headers['content-type'], false).object;
  const podName = ctx.info.subresource === 'binding' ? ctx.info.name! : binding?.metadata?.name;
  const nodeName = binding?.target?.name;
  if (!nodeName) throw invalid('Binding', '', podName ?? '', [{ type: 'FieldValueRequired', field: 'target.name', message: 'Required value' }]);
  const pods = api.storageFor('', 'pods');
  await api.updateObject(pods, ctx.info.namespace, podName, (current) => {
    if (!current) throw notFound(pods.decl, podName);
    const pod: any = current;
    // Upstream reports these against pods/binding.
    const binding = { group: '', plural: 'pods/binding' };
    if (pod.metadata.deletionTimestamp) throw conflict(binding, podName, `pod ${podName} is being deleted, cannot be assigned to a host`);
    if (pod.spec?.nodeName) throw conflict(binding, podName, `pod ${podName} is already assigned to node "${pod.spec.nodeName}"`);
    const conditions = (pod.status?.conditions ?? []).filter((c: any) => c.type !== 'PodScheduled');
    return { ...pod, spec: { ...pod.spec, nodeName }, status: { ...pod.status, conditions: [...conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] } };
  }, { dryRun: params.dryRun, manager: managerOf(ctx, params), user: ctx.user, subresource: ctx.info.subresource, keepStatus: false });
  sendJson(ctx.res, 201, successStatus());
}

// ---- helpers

export function apiVersionOf(served: ServedResource): string {
  return served.decl.group ? `${served.decl.group}/${served.version}` : served.version;
}

/** The served version's object as stored: converted to the stored version, then to the storing kind. */
export function toStored(served: ServedResource, obj: KubeObject): KubeObject {
  const stored = served.stored ? obj : served.decl.otherVersions!.find((v) => v.version === served.version)!.toStored(obj);
  return served.decl.storedAs ? served.decl.storedAs.toStored(stored) : stored;
}

export function fromStored(served: ServedResource, obj: KubeObject): KubeObject {
  const own = served.decl.storedAs ? served.decl.storedAs.fromStored(obj) : obj;
  return served.stored ? own : served.decl.otherVersions!.find((v) => v.version === served.version)!.fromStored(own);
}

function sendObject(ctx: RequestContext, code: number, obj: KubeObject): void {
  const served = fromStored(ctx.served, obj);
  if (wantsTable(ctx.req.headers.accept)) {
    return sendJson(ctx.res, code, toTable(ctx.served.decl, [served], includeObjectOf(ctx), { resourceVersion: obj.metadata?.resourceVersion }));
  }
  sendJson(ctx.res, code, served);
}

/** A generated name: prefix plus five random lowercase alphanumerics, as upstream. */
export function generateName(prefix: string): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = randomBytes(5);
  let suffix = '';
  for (const b of bytes) suffix += alphabet[b % alphabet.length];
  return prefix + suffix;
}

