// Kubernetes timestamps: RFC 3339 with whole seconds (metav1.Time), read back as epoch ms.

export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Epoch ms, or undefined for an absent or unreadable time (Go's zero time). */
export function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
