// The declaration of a kind: everything the apiserver knows about it, in one place.
// Discovery, OpenAPI, Tables, field selectors, defaulting and validation derive from it.

import type { FieldError } from '../apiserver/errors.ts';
import type { Schema } from './schema/schema.ts';

// Objects flow through the apiserver as plain JSON; kinds refine this with kubernetes-types.
export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
};

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** One column of `kubectl get` output (a Table column definition plus how to fill it). */
export interface Column {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  /** "name" for the NAME column, as upstream. */
  format?: string;
  description?: string;
  /** 1: shown only with -o wide. */
  priority?: number;
  cell: (obj: any) => unknown;
}

/** The scale subresource: where replicas live in this kind. */
export interface ScaleDeclaration {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** Converts a served version to and from the stored one (e.g. autoscaling/v1 <-> v2). */
export interface VersionConversion {
  version: string;
  toStored: (obj: any) => any;
  fromStored: (obj: any) => any;
}

export interface KindDeclaration {
  group: string;
  /** The stored (and preferred) version. */
  version: string;
  /** Further served versions, converted to and from the stored one. */
  otherVersions?: VersionConversion[];
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Verbs this resource serves; by default all eight. */
  verbs?: string[];
  subresources?: {
    status?: boolean;
    scale?: ScaleDeclaration;
  };
  /** kubectl get columns (NAME is implied first; AGE is appended unless listed). */
  columns?: Column[];
  /** Field selectors beyond metadata.name and metadata.namespace, e.g. status.phase. */
  fieldSelectors?: Record<string, (obj: any) => string | undefined>;
  /** Fills in defaults on create and update, as upstream's defaulting does. */
  defaults?: (obj: any) => void;
  /** Kind-specific validation beyond the schema (on create; old is set on update). */
  validate?: (obj: any, old?: any) => FieldError[];
  /** Top-level fields that are not spec: changes to them do not bump generation. */
  nonSpecFields?: string[];
  /** The kind has no generation (ConfigMaps, Secrets...): only kinds with spec track it. */
  generation?: boolean;
  /** Create keeps the status the client sent (Nodes, as the kubelet registers them); other kinds with a status subresource drop it. */
  statusOnCreate?: boolean;
  /** Annotation changes bump generation too (Deployments, as upstream's strategy does). */
  annotationsBumpGeneration?: boolean;
  /**
   * Not stored: a create is answered by this function (SubjectAccessReview, TokenReview...),
   * given the requesting user.
   */
  review?: (obj: any, user: { name: string; groups: string[] }) => any;
  /** How metadata.name is checked; a DNS-1123 subdomain when unset. */
  nameValidator?: (value: string, field: string) => FieldError[];
  /** Server-owned fields on create (after defaulting; name and uid are set), as upstream's PrepareForCreate. */
  prepareForCreate?: (obj: any) => void;
  /** Server-owned fields on update (after defaulting), given the stored object. */
  prepareForUpdate?: (obj: any, old: any) => void;
  /** Stored as another kind's objects (events.k8s.io Events are core Events), converted both ways. */
  storedAs?: { group: string; plural: string; toStored: (obj: any) => any; fromStored: (obj: any) => any };
  /** Deletion as this kind's upstream strategy shapes it. */
  deletion?: {
    /** Seconds a graceful deletion waits (pods on nodes); 0 deletes at once. */
    gracePeriodSeconds?: (obj: any, requested: number | undefined) => number;
    /** What holds the object besides metadata.finalizers (a namespace's spec.finalizers). */
    finalizers?: (obj: any) => string[];
    /** Marks the object terminating (a namespace's status.phase). */
    markTerminating?: (obj: any) => void;
  };
  /** The schema at a version, for kinds not built in (CRDs); built-ins come from the schema module. */
  schema?: (version: string) => Schema | undefined;
}

export const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
