// Events about objects, recorded the way upstream's recorder does: repeats of the same event
// within a window update one Event's count and lastTimestamp instead of creating new ones,
// and similar events are aggregated, so `kubectl describe` and `kubectl get events` tell the story.

import type { KubeObject } from '../api/kind.ts';
import type { Client } from './client.ts';

export interface EventRecorder {
  /** Records asynchronously; never throws (failures are logged). */
  event(regarding: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** Waits for pending writes (for tests and shutdown). */
  flush(): Promise<void>;
}

/** component: the source/reportingController, e.g. "default-scheduler", "deployment-controller". */
export declare function createEventRecorder(client: Client, component: string, host?: string): EventRecorder;
