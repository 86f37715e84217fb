// Writes pod statuses through the status subresource, only when they changed from what
// was last written (or, the first time, from what the API holds), as upstream's status
// manager does. A merge patch: fields the new status drops are sent as null.

import { isDeepStrictEqual } from 'node:util';
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../apiserver/errors.ts';
import type { Client } from '../../client/client.ts';
import { types } from '../../client/resourceTypes.ts';

export class StatusManager {
  readonly #client: Client;
  readonly #written = new Map<string, PodStatus>();

  constructor(client: Client) {
    this.#client = client;
  }

  async set(pod: Pod, status: PodStatus): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const before = this.#written.get(uid) ?? pod.status ?? {};
    if (isDeepStrictEqual(normalized(before), normalized(status))) return;
    const patch: Record<string, unknown> = { ...status };
    for (const key of Object.keys(pod.status ?? {})) if (!(key in status)) patch[key] = null;
    try {
      await this.#client.patch(types.pods, pod.metadata?.namespace, pod.metadata?.name ?? '', 'merge', { metadata: { uid }, status: patch }, { subresource: 'status' });
      this.#written.set(uid, status);
    } catch (err) {
      if (err instanceof ApiError && (err.code === 404 || err.code === 409)) return; // gone, or a new pod of that name
      throw err;
    }
  }

  forget(uid: string): void {
    this.#written.delete(uid);
  }
}

/** JSON as the API returns it: nulls and empty values dropped. */
function normalized(status: PodStatus): unknown {
  return JSON.parse(JSON.stringify(status, (_k, v) => (v === null ? undefined : v)));
}
