// TEMPORARY until src/apiserver/patch lands (this session).
import type { KubeObject } from '../api/kind.ts';
export function recordManagedFields(_current: KubeObject | undefined, next: KubeObject, _o: { manager: string; operation: string; apiVersion: string }): KubeObject { return next; }
