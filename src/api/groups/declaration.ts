// The kind declaration as the non-core groups fill it: KindDeclaration plus the strategy
// hooks upstream's registry has and the apiserver does not yet call (the lead wires them
// into KindDeclaration): the name rule of the kind, and PrepareForCreate/PrepareForUpdate
// for server-owned fields (a Job's generated selector, a DaemonSet's template generation,
// a CRD's storedVersions).

import type { KindDeclaration } from '../kind.ts';
import type { NameValidator } from '../validation.ts';

export interface Declaration extends KindDeclaration {
  /** How metadata.name is checked; a DNS-1123 subdomain when unset. */
  nameValidator?: NameValidator;
  /** Runs on create after defaulting, once metadata.name and metadata.uid are set. */
  prepareForCreate?: (obj: any) => void;
  /** Runs on update after defaulting, with the stored object. */
  prepareForUpdate?: (obj: any, old: any) => void;
}
