// Upstream's slowStartBatch: call fn `count` times in batches of 1, 2, 4, ... (each batch
// concurrently), stopping after the first batch with a failure, so a quota or admission error
// costs one request rather than hundreds.

export interface BatchResult {
  successes: number;
  /** The first failure, if a batch had one (later batches were skipped). */
  error?: unknown;
}

export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<BatchResult> {
  let remaining = count;
  let successes = 0;
  for (let size = Math.min(remaining, initialBatchSize); size > 0; size = Math.min(2 * size, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: size }, async () => fn()));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += size - failures.length;
    if (failures.length) return { successes, error: failures[0]!.reason };
    remaining -= size;
  }
  return { successes };
}
