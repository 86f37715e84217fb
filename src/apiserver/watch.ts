// Watch streams: newline-delimited JSON events from the kind's watch cache, with initial
// events, bookmarks, selector transitions (ADDED/DELETED when an object starts or stops
// matching), timeouts, and a bounded buffer so one slow client never holds anything up.

import type { KubeObject } from '../api/kind.ts';
import { StoreError } from '../store/store.ts';
import type { CacheEvent } from '../store/watchCache.ts';
import type { RequestContext } from './resources.ts';
import { apiVersionOf } from './resources.ts';
import type { Predicate } from './selectors.ts';
import { toTable, type IncludeObject } from './table.ts';
import { badRequest, gone } from './errors.ts';
import { jsonOf } from './respond.ts';

export interface WatchOptions {
  resourceVersion: string;
  allowBookmarks: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
  /** Encode objects as one-row Tables (kubectl get -w). */
  table?: IncludeObject;
  convert: (obj: KubeObject) => KubeObject;
}

/** A watcher whose unsent output grows past this is dropped (clients relist). */
const maxBufferedBytes = 16 * 1024 * 1024;
const bookmarkIntervalMs = 60_000;
/** Upstream picks a timeout between the min request timeout and twice it. */
const defaultTimeoutMs = () => (1800 + Math.random() * 1800) * 1000;

export function serveWatch(ctx: RequestContext, matches: Predicate, options: WatchOptions): Promise<void> {
  const { res, storage } = ctx;
  const scope = storage.scope(ctx.info.namespace);
  const inScope = (obj: KubeObject, key: string) => key.startsWith(scope) && matches(obj);
  const rv = options.resourceVersion;
  if (options.sendInitialEvents !== undefined && ctx.url.searchParams.get('resourceVersionMatch') !== 'NotOlderThan') {
    throw badRequest('sendInitialEvents is forbidden unless resourceVersionMatch is NotOlderThan');
  }
  const initial = options.sendInitialEvents ?? (rv === '' || rv === '0');
  let tableColumnsSent = false;

  const encode = (type: string, obj: KubeObject): string => {
    let object: unknown = options.convert(obj);
    if (options.table && type !== 'BOOKMARK' && type !== 'ERROR') {
      object = toTable(ctx.served.decl, [object as KubeObject], options.table, { resourceVersion: obj.metadata?.resourceVersion }, !tableColumnsSent);
      tableColumnsSent = true;
    }
    return `{"type":"${type}","object":${jsonOf(object as KubeObject)}}\n`;
  };
  const bookmark = (revision: number, initialEnd = false) => {
    const metadata: Record<string, unknown> = { resourceVersion: String(revision) };
    if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    return `{"type":"BOOKMARK","object":${JSON.stringify({ kind: ctx.served.decl.kind, apiVersion: apiVersionOf(ctx.served), metadata })}}\n`;
  };

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();

  return new Promise<void>((resolve) => {
    let lastRevision = 0;
    let stopWatch: (() => void) | undefined;
    const timers: NodeJS.Timeout[] = [];
    const finish = () => {
      stopWatch?.();
      stopWatch = undefined;
      for (const t of timers) clearTimeout(t);
      if (!res.writableEnded) res.end();
      resolve();
    };
    const send = (chunk: string) => {
      if (res.writableEnded) return;
      res.write(chunk);
      if (res.writableLength > maxBufferedBytes) finish();
    };
    res.on('close', finish);
    timers.push(setTimeout(finish, options.timeoutSeconds ? options.timeoutSeconds * 1000 : defaultTimeoutMs()));

    let from: number;
    if (initial) {
      const { items, revision } = storage.cache.list({ prefix: scope });
      for (const { object, kv } of items) if (inScope(object, kv.key)) send(encode('ADDED', object));
      from = revision;
      if (options.sendInitialEvents && options.allowBookmarks) send(bookmark(revision, true));
    } else {
      from = Number(rv);
      if (!Number.isFinite(from)) {
        send(encode('ERROR', badRequest(`invalid resource version: ${rv}`).toStatus() as unknown as KubeObject));
        return finish();
      }
    }
    lastRevision = from;
    try {
      const cacheWatch = storage.cache.watch(from, (events: CacheEvent<KubeObject>[]) => {
        let out = '';
        for (const event of events) {
          lastRevision = event.kv.modRevision;
          const key = event.kv.key;
          const nowMatches = event.type === 'put' && inScope(event.object, key);
          const prevMatches = event.prev !== undefined && inScope(event.prev, key);
          if (event.type === 'delete') {
            if (inScope(event.object, key)) out += encode('DELETED', event.object);
          } else if (nowMatches) out += encode(prevMatches ? 'MODIFIED' : 'ADDED', event.object);
          else if (prevMatches) out += encode('DELETED', event.object);
        }
        if (out) send(out);
      });
      stopWatch = () => cacheWatch.stop();
    } catch (err) {
      if (err instanceof StoreError && err.code === 'compacted') {
        const status = gone(`too old resource version: ${from} (${storage.cache.oldestRevision()})`).toStatus();
        send(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
        return finish();
      }
      throw err;
    }
    if (options.allowBookmarks) {
      const tick = () => {
        send(bookmark(Math.max(lastRevision, storage.cache.revision)));
        timers.push(setTimeout(tick, bookmarkIntervalMs).unref());
      };
      timers.push(setTimeout(tick, bookmarkIntervalMs).unref());
    }
  });
}
