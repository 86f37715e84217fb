// Event (core/v1): what happened to an object. The table leads with LAST SEEN, not NAME, and
// only legacy checks apply to v1 events (upstream keeps v1 lenient for old clients).

import type { FieldError } from '../../../apiserver/errors.ts';
import type { KindDeclaration } from '../../kind.ts';
import { since } from '../../age.ts';
import { invalidEach, invalidValue, qualifiedNameErrors, required } from '../../validation.ts';

export const event: KindDeclaration = {
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  columns: [
    { name: 'Last Seen', type: 'string', description: 'Time since the event was last observed.', cell: (e) => lastSeen(e) },
    { name: 'Type', type: 'string', description: 'Normal or Warning.', cell: (e) => e.type ?? '' },
    { name: 'Reason', type: 'string', description: 'Why the event happened, in CamelCase.', cell: (e) => e.reason ?? '' },
    { name: 'Object', type: 'string', description: 'The object the event is about (kind/name).', cell: involvedObject },
    { name: 'Subobject', type: 'string', priority: 1, description: 'The part of the object (fieldPath), e.g. a container.', cell: (e) => e.involvedObject?.fieldPath ?? '' },
    { name: 'Source', type: 'string', priority: 1, description: 'The component (and host) that reported the event.', cell: source },
    { name: 'Message', type: 'string', description: 'A human-readable description.', cell: (e) => String(e.message ?? '').trim() },
    { name: 'First Seen', type: 'string', priority: 1, description: 'Time since the event was first observed.', cell: (e) => firstSeen(e) },
    { name: 'Count', type: 'string', priority: 1, description: 'How many times the event happened.', cell: count },
    { name: 'Name', type: 'string', priority: 1, format: 'name', description: 'Name of the event.', cell: (e) => e.metadata?.name },
  ],
  fieldSelectors: {
    'involvedObject.kind': (e) => e.involvedObject?.kind ?? '',
    'involvedObject.namespace': (e) => e.involvedObject?.namespace ?? '',
    'involvedObject.name': (e) => e.involvedObject?.name ?? '',
    'involvedObject.uid': (e) => e.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': (e) => e.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': (e) => e.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': (e) => e.involvedObject?.fieldPath ?? '',
    reason: (e) => e.reason ?? '',
    reportingComponent: (e) => e.reportingComponent ?? '',
    source: (e) => e.source?.component ?? '',
    type: (e) => e.type ?? '',
  },
  validate: (e) => validateLegacyEvent(e),
};

function firstSeen(e: any, now = Date.now()): string {
  return e.firstTimestamp ? since(e.firstTimestamp, now) : since(e.eventTime, now);
}

function lastSeen(e: any, now = Date.now()): string {
  if (e.series) return since(e.series.lastObservedTime, now);
  return e.lastTimestamp ? since(e.lastTimestamp, now) : firstSeen(e, now);
}

function count(e: any): number {
  if (e.series) return e.series.count ?? 0;
  // Events from the events.k8s.io API carry no count when they happened once.
  return e.count || 1;
}

function involvedObject(e: any): string {
  const kind = String(e.involvedObject?.kind ?? '').toLowerCase();
  return e.involvedObject?.name ? `${kind}/${e.involvedObject.name}` : kind;
}

function source(e: any): string {
  const component = e.source?.component || e.reportingComponent || '';
  const instance = e.source?.host || e.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

// Old-style events (no eventTime) must agree on namespace with their object; new-style ones
// need their reporting fields.
function validateLegacyEvent(e: any): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = e.metadata?.namespace ?? '';
  const involvedNamespace = e.involvedObject?.namespace ?? '';
  const mismatch = () => invalidValue('involvedObject.namespace', involvedNamespace, 'does not match event.namespace');
  if (!e.eventTime) {
    if (!involvedNamespace) {
      if (namespace !== '' && namespace !== 'default') errs.push(mismatch());
    } else if (namespace !== involvedNamespace) errs.push(mismatch());
    return errs;
  }
  if (!involvedNamespace && namespace !== 'default' && namespace !== 'kube-system') errs.push(mismatch());
  const controller = e.reportingComponent ?? '';
  if (!controller) errs.push(required('reportingController', ''));
  errs.push(...invalidEach('reportingController', controller, qualifiedNameErrors(controller)));
  const limits: [string, string, number][] = [['reportingInstance', e.reportingInstance ?? '', 128], ['action', e.action ?? '', 128], ['reason', e.reason ?? '', 128]];
  for (const [field, value, max] of limits) {
    if (!value) errs.push(required(field, ''));
    if (value.length > max) errs.push(invalidValue(field, '', `can have at most ${max} characters`));
  }
  if (String(e.message ?? '').length > 1024) errs.push(invalidValue('message', '', 'can have at most 1024 characters'));
  return errs;
}
