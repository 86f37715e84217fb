// IPv4 addresses as numbers (0 to 2^32 - 1), for the allocators and tables that count them.

/** The address as a number; undefined unless it is four dot-separated numbers from 0 to 255. */
export function ipv4Value(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
