// Schemas are shared by every request and every kind that uses a type, so they are frozen:
// a consumer that changed one would change it for all.

export function deepFreeze<T>(value: T): T {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next !== 'object' || next === null || seen.has(next)) continue;
    seen.add(next);
    Object.freeze(next);
    for (const child of Object.values(next)) stack.push(child);
  }
  return value;
}
