// events.k8s.io/v1 Events and core/v1 Events are one stored object seen through two
// schemas, as upstream: the newer names map onto the older ones (note = message,
// regarding = involvedObject, deprecatedSource = source, deprecatedCount = count, ...),
// and the fields both share pass through. Empty values print as upstream's JSON does:
// unset timestamps and structs are null/{} rather than absent, counts of 0 are omitted.

/** A core/v1 Event as an events.k8s.io/v1 Event. */
export function eventsV1FromCore(event: any): any {
  return omitUnset({
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: event.metadata,
    eventTime: event.eventTime ?? null,
    series: event.series,
    reportingController: event.reportingComponent || undefined,
    reportingInstance: event.reportingInstance || undefined,
    action: event.action || undefined,
    reason: event.reason || undefined,
    regarding: event.involvedObject ?? {},
    related: event.related,
    note: event.message || undefined,
    type: event.type || undefined,
    deprecatedSource: event.source ?? {},
    deprecatedFirstTimestamp: event.firstTimestamp ?? null,
    deprecatedLastTimestamp: event.lastTimestamp ?? null,
    deprecatedCount: event.count || undefined,
  });
}

/** An events.k8s.io/v1 Event as a core/v1 Event. */
export function coreFromEventsV1(event: any): any {
  return omitUnset({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: event.metadata,
    involvedObject: event.regarding ?? {},
    reason: event.reason || undefined,
    message: event.note || undefined,
    source: event.deprecatedSource ?? {},
    firstTimestamp: event.deprecatedFirstTimestamp ?? null,
    lastTimestamp: event.deprecatedLastTimestamp ?? null,
    count: event.deprecatedCount || undefined,
    type: event.type || undefined,
    eventTime: event.eventTime ?? null,
    series: event.series,
    action: event.action || undefined,
    related: event.related,
    // core/v1 always writes these two, empty or not.
    reportingComponent: event.reportingController ?? '',
    reportingInstance: event.reportingInstance ?? '',
  });
}

function omitUnset(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}
