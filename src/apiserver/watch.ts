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
import { ApiError, gone, internalError } from './errors.ts';
import { jsonOf } from './respond.ts';
import { parseResourceVersion, validateListOptions, waitForCache } from './core.ts';

export interface WatchOptions {
  resourceVersion: string;
  resourceVersionMatch?: string;
  allowBookmarks: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
  /** Encode objects as one-row Tables (kubectl get -w). */
  table?: IncludeObject;
  convert: (obj: KubeObject) => KubeObject;
}

/** A watcher whose unsent output grows past this is dropped (clients relist). */
const maxBufferedBytes = 16 * 1024 * 1024;
/** Upstream sends a bookmark about every minute, and one 2 s before the watch times out. */
const bookmarkIntervalMs = 60_000;
const bookmarkBeforeTimeoutMs = 2000;
/** Upstream picks a timeout between the min request timeout and twice it. */
const defaultTimeoutMs = () => (1800 + Math.random() * 1800) * 1000;

export function serveWatch(ctx: RequestContext, matches: Predicate, options: WatchOptions): Promise<void> {
  const { res, storage } = ctx;
  const rv = options.resourceVersion;
  validateListOptions({ watch: true, resourceVersion: rv, resourceVersionMatch: options.resourceVersionMatch, sendInitialEvents: options.sendInitialEvents });
  const requested = parseResourceVersion(rv);
  // WatchList is on in v1.32: a watch from "" or "0" starts with the current objects, as
  // sendInitialEvents=true does (and ends them with a bookmark, when bookmarks are allowed).
  const initial = options.sendInitialEvents ?? (rv === '' || rv === '0');
  const scope = storage.scope(ctx.info.namespace);
  const inScope = (obj: KubeObject, key: string) => key.startsWith(scope) && matches(obj);
  let tableColumnsSent = false;

  const encode = (type: string, obj: KubeObject): string => {
    let object: unknown = options.convert(obj);
    if (options.table) {
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
    let finished = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = () => {
      finished = true;
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
    const timeoutMs = options.timeoutSeconds ? options.timeoutSeconds * 1000 : defaultTimeoutMs();
    const deadline = Date.now() + timeoutMs;
    timers.push(setTimeout(finish, timeoutMs));

    const scheduleBookmark = () => {
      const untilLast = deadline - bookmarkBeforeTimeoutMs - Date.now();
      if (untilLast <= 0) return;
      const last = untilLast <= bookmarkIntervalMs;
      timers.push(setTimeout(() => {
        send(bookmark(Math.max(lastRevision, storage.cache.revision)));
        if (!last) scheduleBookmark();
      }, Math.min(untilLast, bookmarkIntervalMs)).unref());
    };

    const start = async () => {
      let from: number;
      if (initial) {
        // Not older than rv ("": as of now): wait (briefly) for the cache to get there.
        await waitForCache(storage, rv === '' ? storage.currentRevision() : requested);
        if (finished) return;
        const { items, revision } = storage.cache.list({ prefix: scope });
        for (const { object, kv } of items) if (inScope(object, kv.key)) send(encode('ADDED', object));
        from = revision;
        if (options.allowBookmarks) send(bookmark(revision, true));
      } else {
        // "" is the store's newest revision, "0" any recent one: the cache's.
        from = rv === '' ? storage.currentRevision() : rv === '0' ? storage.cache.revision : requested;
      }
      lastRevision = from;
      try {
        const cacheWatch = storage.cache.watch(from, (events: CacheEvent<KubeObject>[]) => {
          let out = '';
          for (const event of events) {
            lastRevision = event.kv.modRevision;
            out += eventLine(event);
          }
          if (out) send(out);
        });
        stopWatch = () => cacheWatch.stop();
      } catch (err) {
        if (err instanceof StoreError && err.code === 'compacted') throw gone(`too old resource version: ${from} (${storage.cache.oldestRevision()})`);
        throw err;
      }
      if (options.allowBookmarks) scheduleBookmark();
    };

    /** One event as this watcher sees it: objects entering or leaving its selection are ADDED or DELETED. */
    const eventLine = (event: CacheEvent<KubeObject>): string => {
      const key = event.kv.key;
      if (event.type === 'delete') return inScope(event.object, key) ? encode('DELETED', event.object) : '';
      const nowMatches = inScope(event.object, key);
      const prevMatches = event.prev !== undefined && inScope(event.prev, key);
      if (nowMatches) return encode(prevMatches ? 'MODIFIED' : 'ADDED', event.object);
      // As upstream: the object as it last matched, at this event's resourceVersion.
      if (prevMatches) return encode('DELETED', withResourceVersion(event.prev!, event.kv.modRevision));
      return '';
    };

    start().catch((err: unknown) => {
      // After the 200 is sent, errors travel as an ERROR event carrying the Status.
      if (!(err instanceof ApiError)) console.error('skiff: watch failed:', ctx.req.url, err);
      const status = (err instanceof ApiError ? err : internalError(err)).toStatus();
      send(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
      finish();
    });
  });
}

function withResourceVersion(obj: KubeObject, revision: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
}
