// The status conditions of a terminating namespace, as upstream's namespace deleter reports
// them: five condition types, each True with what went wrong or False with its "ok" reason.

import type { NamespaceCondition } from 'kubernetes-types/core/v1.js';

/** What one pass over a namespace's content found. */
export interface ContentReport {
  /** Why the list of kinds may be incomplete (CRDs could not be read). */
  discoveryError?: string;
  /** Failures listing or deleting, one message per kind. */
  deleteErrors: string[];
  /** Objects still there per resource ("pods." for core, "widgets.example.com"). */
  remaining: Map<string, number>;
  /** Remaining objects per finalizer they carry. */
  finalizers: Map<string, number>;
}

const conditionTypes = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

type ConditionType = (typeof conditionTypes)[number];

const ok: Record<ConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};

/** The failing conditions a report calls for (the others are reported ok). */
function failures(report: ContentReport): Partial<Record<ConditionType, { reason: string; message: string }>> {
  const out: Partial<Record<ConditionType, { reason: string; message: string }>> = {};
  if (report.discoveryError) out.NamespaceDeletionDiscoveryFailure = { reason: 'DiscoveryFailed', message: report.discoveryError };
  if (report.deleteErrors.length > 0) {
    const messages = [...report.deleteErrors].sort();
    out.NamespaceDeletionContentFailure = { reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${messages.length} remaining: ${messages.join(', ')}` };
  }
  const remaining = [...report.remaining].filter(([, n]) => n > 0).map(([resource, n]) => `${resource} has ${n} resource instances`).sort();
  if (remaining.length > 0) out.NamespaceContentRemaining = { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.join(', ')}` };
  const finalizers = [...report.finalizers].filter(([, n]) => n > 0).map(([finalizer, n]) => `${finalizer} in ${n} resource instances`).sort();
  if (finalizers.length > 0) {
    out.NamespaceFinalizersRemaining = { reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}` };
  }
  return out;
}

/**
 * The namespace's conditions after a pass: each of the five types set from the report, other
 * conditions kept. A condition's lastTransitionTime changes only when its status does.
 * Returns undefined when nothing changed (no status write is needed).
 */
export function updatedConditions(current: NamespaceCondition[] | undefined, report: ContentReport, now: string): NamespaceCondition[] | undefined {
  const conditions = (current ?? []).map((c) => ({ ...c }));
  const failing = failures(report);
  let changed = false;
  for (const type of conditionTypes) {
    const wanted = failing[type] ? { status: 'True', ...failing[type] } : { status: 'False', ...ok[type] };
    const old = conditions.find((c) => c.type === type);
    if (!old) {
      conditions.push({ type, ...wanted, lastTransitionTime: now });
      changed = true;
    } else if (old.status !== wanted.status || old.reason !== wanted.reason || old.message !== wanted.message) {
      if (old.status !== wanted.status) old.lastTransitionTime = now;
      Object.assign(old, wanted);
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}
