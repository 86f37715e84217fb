// What kubernetes-types 1.30 lacks against the v1.32 API: fields and types added in v1.31
// and v1.32, fields its generator dropped (their upstream docs hold a star and a slash,
// which end a comment), and fields whose required-ness changed. Written in the declaration
// syntax the package uses, per module; an interface named here merges into the package's
// interface of that name (a field named again replaces the old one, keeping its doc when
// none is given here). Formats, list types and patch keys of these fields live in
// builtinFacts.ts like any other.

export const additions: Readonly<Record<string, string>> = {
  'meta/v1': `
/** One requirement of a field selector: a field key, an operator and the values it compares. */
export interface FieldSelectorRequirement {
  /** The field selector key the requirement applies to. */
  key: string;
  /** How the key relates to the values: In, NotIn, Exists or DoesNotExist. */
  operator: string;
  /** The values compared with; non-empty for In and NotIn, empty for Exists and DoesNotExist. */
  values?: Array<string>;
}
export interface DeleteOptions {
  /** Deletes the object even if it cannot be read back from storage (for example it no longer decrypts or decodes). This skips finalizers and garbage collection bookkeeping and can break the cluster; it needs the 'unsafe-delete-ignore-read-errors' permission. Only valid together with an otherwise ordinary delete. */
  ignoreStoreReadErrorWithClusterBreakingPotential?: boolean;
}
`,
  'core/v1': `
import { Quantity } from "../api/resource";
/** The identity a container's first process started with. */
export interface ContainerUser {
  /** The identity on Linux: uid, gid and supplemental groups. */
  linux?: LinuxContainerUser;
}
/** The uid, gid and supplemental groups a Linux container's first process started with. */
export interface LinuxContainerUser {
  /** The primary group id of the first process. */
  gid: number;
  /** The supplemental group ids of the first process. */
  supplementalGroups?: Array<number>;
  /** The user id of the first process. */
  uid: number;
}
/** The health of the devices allocated to a container for one resource. */
export interface ResourceStatus {
  /** The resource: a resource name from the pod spec, or "claim:<claim>/<request>" for a dynamically allocated resource. Unique within the pod. */
  name: string;
  /** The health of each allocated device, keyed by its resource ID. */
  resources?: Array<ResourceHealth>;
}
/** The latest known health of one allocated device. */
export interface ResourceHealth {
  /** Healthy, Unhealthy or Unknown. */
  health?: string;
  /** Identifies the device: a device plugin's device ID, or "<driver>/<pool>/<device>" for dynamic resource allocation. */
  resourceID: string;
}
/** Features the node's container runtime implements, whatever the runtime handler. */
export interface NodeFeatures {
  /** Whether the runtime honours a pod's supplementalGroupsPolicy and reports ContainerUser. */
  supplementalGroupsPolicy?: boolean;
}
/** A volume whose content is an OCI image or artifact, mounted read-only. */
export interface ImageVolumeSource {
  /** How the kubelet pulls the reference: Always, Never or IfNotPresent. The default is Always for a :latest tag and IfNotPresent otherwise. */
  pullPolicy?: string;
  /** The image or artifact reference, resolved like a container's image (same pull secrets and node credentials). */
  reference?: string;
}
export interface ContainerStatus {
  /** Health of the devices allocated to this container, per resource. */
  allocatedResourcesStatus?: Array<ResourceStatus>;
  /** The identity the container's first process started with, as the runtime reports it. */
  user?: ContainerUser;
}
export interface NodeRuntimeHandlerFeatures {
  /** Whether the runtime handler supports user namespaces for pod volumes. */
  userNamespaces?: boolean;
}
export interface NodeStatus {
  /** Features the node's container runtime implements. */
  features?: NodeFeatures;
}
export interface PodResourceClaim {
  /** The name of an existing ResourceClaim in the pod's namespace. Exactly one of resourceClaimName and resourceClaimTemplateName is set. */
  resourceClaimName?: string;
  /** The name of a ResourceClaimTemplate in the pod's namespace; a claim is made from it for this pod and deleted with the pod. Exactly one of resourceClaimName and resourceClaimTemplateName is set. */
  resourceClaimTemplateName?: string;
}
export interface PodSecurityContext {
  /** How the kubelet relabels the pod's volumes for SELinux: Recursive (every file, works for any mix of pods) or MountOption (a mount option, faster, needs all pods sharing the volume to use one label). */
  seLinuxChangePolicy?: string;
  /** How the supplemental groups of the first process are worked out: Merge (the image's groups for the user are added) or Strict (only fsGroup, supplementalGroups and the primary group). Defaults to Merge. */
  supplementalGroupsPolicy?: string;
}
export interface PodSpec {
  /** Resources for the pod as a whole, shared by its containers; only cpu and memory may be set. */
  resources?: ResourceRequirements;
}
export interface ResourceClaim {
  /** The request within the claim to use; empty means the whole claim. */
  request?: string;
}
export interface Volume {
  /** An OCI image or artifact mounted as a read-only volume. */
  image?: ImageVolumeSource;
}
export interface HostAlias {
  ip: string;
}
export interface HostIP {
  ip: string;
}
export interface PodIP {
  ip: string;
}
`,
  'admissionregistration/v1': `
export interface NamedRuleWithOperations {
  /** The resources the rule covers, such as "pods", or "pods/log" for a subresource. "*" means every resource but no subresources; "*" also stands for any resource or any subresource on either side of the slash. */
  resources?: Array<string>;
  /** Which objects match by scope: "Cluster", "Namespaced" or "*" (the default). Subresources have their parent's scope. */
  scope?: string;
}
export interface RuleWithOperations {
  /** The resources the rule covers, such as "pods", or "pods/log" for a subresource. "*" means every resource but no subresources; "*" also stands for any resource or any subresource on either side of the slash. */
  resources?: Array<string>;
  /** Which objects match by scope: "Cluster", "Namespaced" or "*" (the default). Subresources have their parent's scope. */
  scope?: string;
}
export interface ValidatingAdmissionPolicyBindingList {
  items: Array<ValidatingAdmissionPolicyBinding>;
}
export interface ValidatingAdmissionPolicyList {
  items: Array<ValidatingAdmissionPolicy>;
}
`,
  'authorization/v1': `
import { FieldSelectorRequirement, LabelSelectorRequirement } from "../meta/v1";
/** A field selector limiting a request, as the raw query value and as parsed requirements. */
export interface FieldSelectorAttributes {
  /** The field selector as it appears in a query parameter. */
  rawSelector?: string;
  /** The parsed selector; all requirements must hold. */
  requirements?: Array<FieldSelectorRequirement>;
}
/** A label selector limiting a request, as the raw query value and as parsed requirements. */
export interface LabelSelectorAttributes {
  /** The label selector as it appears in a query parameter. */
  rawSelector?: string;
  /** The parsed selector; all requirements must hold. */
  requirements?: Array<LabelSelectorRequirement>;
}
export interface ResourceAttributes {
  /** Limits the request to objects matching a field selector; it can only narrow access. */
  fieldSelector?: FieldSelectorAttributes;
  /** Limits the request to objects matching a label selector; it can only narrow access. */
  labelSelector?: LabelSelectorAttributes;
}
export interface ResourceRule {
  /** The resources the rule allows; "*" means all in its API groups, and "*" before a slash names that subresource of all of them. */
  resources?: Array<string>;
  /** The verbs the rule allows (get, list, watch, create, update, delete, proxy...); "*" means all. */
  verbs: Array<string>;
}
`,
  'coordination/v1': `
export interface LeaseSpec {
  /** A holder the current holder should hand the lease to; only set together with strategy. */
  preferredHolder?: string;
  /** How coordinated leader election picks the next holder (OldestEmulationVersion). */
  strategy?: string;
}
`,
  'apiextensions/v1': `
export interface JSONSchemaProps {
  /** The object is a Kubernetes object with apiVersion, kind and metadata, validated as such. */
  "x-kubernetes-embedded-resource"?: boolean;
  /** The value is an integer or a string; no type may be given with it. */
  "x-kubernetes-int-or-string"?: boolean;
  /** For a list of type map: the item fields that together identify an item. */
  "x-kubernetes-list-map-keys"?: Array<string>;
  /** How a list merges in server-side apply: atomic, set or map. */
  "x-kubernetes-list-type"?: string;
  /** How an object merges in server-side apply: granular or atomic. */
  "x-kubernetes-map-type"?: string;
  /** Fields not in the schema are kept rather than pruned. */
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  /** CEL rules the value must satisfy. */
  "x-kubernetes-validations"?: Array<ValidationRule>;
}
`,
};

/** Declarations (module/Type) and fields (module/Type.field) that v1.32 no longer has. */
export const removals: readonly string[] = ['core/v1/ClaimSource', 'core/v1/PodResourceClaim.source'];
