// Counts per topology domain (topology key -> value -> count), as the affinity and spread
// plugins keep them. Nested maps rather than joined keys: lookups on the hot path build no strings.

export type TopologyCounts = Map<string, Map<string, number>>;

/** Adds delta to the node's domain for key; nothing when the node lacks the key. */
export function addToDomain(counts: TopologyCounts, labels: Record<string, string>, key: string, delta: number): void {
  const value = labels[key];
  if (value === undefined) return;
  let values = counts.get(key);
  if (!values) counts.set(key, (values = new Map()));
  const n = (values.get(value) ?? 0) + delta;
  if (n === 0) values.delete(value);
  else values.set(value, n);
  if (values.size === 0) counts.delete(key);
}

export function countIn(counts: TopologyCounts, key: string, value: string): number {
  return counts.get(key)?.get(value) ?? 0;
}
