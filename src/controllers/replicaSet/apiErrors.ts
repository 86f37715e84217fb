// Recognising API errors by their Status code and reason, whichever transport threw them
// (the client's errors carry the server's Status fields).

interface StatusLike {
  code?: number;
  reason?: string;
  details?: { causes?: { reason?: string }[] };
}

const status = (err: unknown): StatusLike => (typeof err === 'object' && err !== null ? (err as StatusLike) : {});

export const isNotFound = (err: unknown): boolean => status(err).code === 404;
export const isAlreadyExists = (err: unknown): boolean => status(err).code === 409 && status(err).reason === 'AlreadyExists';
export const isConflict = (err: unknown): boolean => status(err).code === 409 && status(err).reason !== 'AlreadyExists';
export const isInvalid = (err: unknown): boolean => status(err).code === 422;

/** Creates in a terminating namespace fail with this cause; controllers let them be. */
export function isNamespaceTerminating(err: unknown): boolean {
  return (status(err).details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A work queue's error log. 409s (a write raced a newer version, or a slow cache re-created
 * something) are routine and retried quietly, as upstream logs sync errors only at -v=2.
 */
export function logUnlessConflict(key: string, err: unknown): void {
  if (status(err).code !== 409) console.error(`skiff: error syncing "${key}":`, err);
}
