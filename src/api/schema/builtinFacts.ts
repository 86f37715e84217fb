// Facts about the built-in types that kubernetes-types does not carry, checked against the
// v1.32 Go types (struct tags and markers) that upstream's OpenAPI is generated from.
//
// fieldFacts: type (module with dots, then type name) -> field -> space-separated facts:
//   int64 | double | byte      the format of the field's number or string (integers are int32
//                              unless said); of its items or values for a list or map
//   list=atomic|set|map:k1,k2  x-kubernetes-list-type (and list-map-keys) for server-side apply
//   patch=STRATEGY[:KEY]       strategic merge patch strategy (merge, retainKeys, replace, or
//                              several joined by commas) and merge key
//   map=atomic|granular        x-kubernetes-map-type
//   enum=NAME                  the values of `enums[NAME]` (on the items of a list)
//   default=JSON               the value upstream defaults an omitted field to
// typeFacts: type -> space-separated facts about the named type itself:
//   map=atomic|granular        x-kubernetes-map-type of a struct
//   format=F                   a string alias with a format (Time: date-time)
//   string-or-number           a Quantity: a string, or a plain JSON number
//   any                        no type at all (JSON values, JSONSchemaPropsOr*)
//   preserve                   x-kubernetes-preserve-unknown-fields: anything may be inside
//   kind                       a meta kind of the core group: GVK {"", v1, <type>}
//   kind=everywhere            a meta kind served in every group version (DeleteOptions)

export interface FieldFacts {
  format?: 'int64' | 'double' | 'byte';
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
  patchStrategy?: string;
  patchMergeKey?: string;
  mapType?: 'atomic' | 'granular';
  enum?: readonly string[];
  default?: unknown;
}

export interface TypeFacts {
  mapType?: 'atomic' | 'granular';
  format?: string;
  stringOrNumber?: boolean;
  any?: boolean;
  preserve?: boolean;
  kind?: 'core' | 'everywhere';
}

/** Facts of one field, `type` as "core.v1.PodSpec". */
export function factsOfField(type: string, field: string): FieldFacts | undefined {
  const text = fieldFacts[type]?.[field];
  if (text === undefined) return undefined;
  const facts: FieldFacts = {};
  for (const token of text.split(' ')) {
    const [key, value = ''] = splitOnce(token, '=');
    if (key === 'int64' || key === 'double' || key === 'byte') facts.format = key;
    else if (key === 'list') {
      const [listType, keys] = splitOnce(value, ':');
      facts.listType = oneOf(listType, ['atomic', 'set', 'map'], token);
      if (keys) facts.listMapKeys = keys.split(',');
    } else if (key === 'patch') {
      const [strategy, mergeKey] = splitOnce(value, ':');
      facts.patchStrategy = strategy;
      if (mergeKey) facts.patchMergeKey = mergeKey;
    } else if (key === 'map') facts.mapType = oneOf(value, ['atomic', 'granular'], token);
    else if (key === 'enum') facts.enum = enums[value] ?? fail(token);
    else if (key === 'default') facts.default = JSON.parse(value);
    else fail(token);
  }
  return facts;
}

/** Facts of a named type itself, `type` as "meta.v1.Time". */
export function factsOfType(type: string): TypeFacts | undefined {
  const text = typeFacts[type];
  if (text === undefined) return undefined;
  const facts: TypeFacts = {};
  for (const token of text.split(' ')) {
    const [key, value = ''] = splitOnce(token, '=');
    if (key === 'map') facts.mapType = oneOf(value, ['atomic', 'granular'], token);
    else if (key === 'format') facts.format = value;
    else if (key === 'string-or-number') facts.stringOrNumber = true;
    else if (key === 'any') facts.any = true;
    else if (key === 'preserve') facts.preserve = true;
    else if (key === 'kind') facts.kind = value === 'everywhere' ? 'everywhere' : 'core';
    else fail(token);
  }
  return facts;
}

/** Every type and field the tables name, for a test that they all exist. */
export function typesWithFieldFacts(): [type: string, fields: string[]][] {
  return Object.entries(fieldFacts).map(([type, fields]) => [type, Object.keys(fields)]);
}

export function typesWithTypeFacts(): string[] {
  return Object.keys(typeFacts);
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function oneOf<const T extends string>(value: string, allowed: readonly T[], token: string): T {
  return (allowed as readonly string[]).includes(value) ? (value as T) : fail(token);
}

function fail(token: string): never {
  throw new Error(`builtin-facts: bad fact ${token}`);
}

type Facts = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** Container and EphemeralContainer share their fields' list and patch markers upstream. */
const containerFacts: Readonly<Record<string, string>> = {
  args: 'list=atomic',
  command: 'list=atomic',
  env: 'list=map:name patch=merge:name',
  envFrom: 'list=atomic',
  imagePullPolicy: 'enum=core.v1.PullPolicy',
  ports: 'list=map:containerPort,protocol patch=merge:containerPort',
  resizePolicy: 'list=atomic',
  terminationMessagePolicy: 'enum=core.v1.TerminationMessagePolicy',
  volumeDevices: 'list=map:devicePath patch=merge:devicePath',
  volumeMounts: 'list=map:mountPath patch=merge:mountPath',
};

const fieldFacts: Facts = {
  'admissionregistration.v1.MatchResources': {
    excludeResourceRules: 'list=atomic',
    matchPolicy: 'enum=admissionregistration.v1.MatchPolicyType',
    resourceRules: 'list=atomic',
  },
  'admissionregistration.v1.MutatingWebhook': {
    admissionReviewVersions: 'list=atomic',
    failurePolicy: 'enum=admissionregistration.v1.FailurePolicyType',
    matchConditions: 'list=map:name patch=merge:name',
    matchPolicy: 'enum=admissionregistration.v1.MatchPolicyType',
    reinvocationPolicy: 'enum=admissionregistration.v1.ReinvocationPolicyType',
    rules: 'list=atomic',
    sideEffects: 'enum=admissionregistration.v1.SideEffectClass',
  },
  'admissionregistration.v1.MutatingWebhookConfiguration': {
    webhooks: 'list=map:name patch=merge:name',
  },
  'admissionregistration.v1.NamedRuleWithOperations': {
    apiGroups: 'list=atomic',
    apiVersions: 'list=atomic',
    operations: 'list=atomic enum=admissionregistration.v1.OperationType',
    resourceNames: 'list=atomic',
    resources: 'list=atomic',
    scope: 'enum=admissionregistration.v1.ScopeType',
  },
  'admissionregistration.v1.RuleWithOperations': {
    apiGroups: 'list=atomic',
    apiVersions: 'list=atomic',
    operations: 'list=atomic enum=admissionregistration.v1.OperationType',
    resources: 'list=atomic',
    scope: 'enum=admissionregistration.v1.ScopeType',
  },
  'admissionregistration.v1.TypeChecking': {
    expressionWarnings: 'list=atomic',
  },
  'admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec': {
    validationActions: 'list=set enum=admissionregistration.v1.ValidationAction',
  },
  'admissionregistration.v1.ValidatingAdmissionPolicySpec': {
    auditAnnotations: 'list=atomic',
    failurePolicy: 'enum=admissionregistration.v1.FailurePolicyType',
    matchConditions: 'list=map:name patch=merge:name',
    validations: 'list=atomic',
    variables: 'list=map:name patch=merge:name',
  },
  'admissionregistration.v1.ValidatingAdmissionPolicyStatus': {
    conditions: 'list=map:type',
    observedGeneration: 'int64',
  },
  'admissionregistration.v1.ValidatingWebhook': {
    admissionReviewVersions: 'list=atomic',
    failurePolicy: 'enum=admissionregistration.v1.FailurePolicyType',
    matchConditions: 'list=map:name patch=merge:name',
    matchPolicy: 'enum=admissionregistration.v1.MatchPolicyType',
    rules: 'list=atomic',
    sideEffects: 'enum=admissionregistration.v1.SideEffectClass',
  },
  'admissionregistration.v1.ValidatingWebhookConfiguration': {
    webhooks: 'list=map:name patch=merge:name',
  },
  'admissionregistration.v1.WebhookClientConfig': {
    caBundle: 'byte',
  },
  'apiextensions.v1.CustomResourceDefinitionNames': {
    categories: 'list=atomic',
    shortNames: 'list=atomic',
  },
  'apiextensions.v1.CustomResourceDefinitionSpec': {
    versions: 'list=atomic',
  },
  'apiextensions.v1.CustomResourceDefinitionStatus': {
    conditions: 'list=map:type',
    storedVersions: 'list=atomic',
  },
  'apiextensions.v1.CustomResourceDefinitionVersion': {
    additionalPrinterColumns: 'list=atomic',
    selectableFields: 'list=atomic',
  },
  'apiextensions.v1.JSONSchemaProps': {
    allOf: 'list=atomic',
    anyOf: 'list=atomic',
    enum: 'list=atomic',
    maxItems: 'int64',
    maxLength: 'int64',
    maxProperties: 'int64',
    maximum: 'double',
    minItems: 'int64',
    minLength: 'int64',
    minProperties: 'int64',
    minimum: 'double',
    multipleOf: 'double',
    oneOf: 'list=atomic',
    required: 'list=atomic',
    'x-kubernetes-list-map-keys': 'list=atomic',
    'x-kubernetes-validations': 'list=map:rule patch=merge:rule',
  },
  'apiextensions.v1.ValidationRule': {
    reason: 'enum=apiextensions.v1.FieldValueErrorReason',
  },
  'apiextensions.v1.WebhookClientConfig': {
    caBundle: 'byte',
  },
  'apiextensions.v1.WebhookConversion': {
    conversionReviewVersions: 'list=atomic',
  },
  'apps.v1.ControllerRevision': {
    revision: 'int64',
  },
  'apps.v1.DaemonSetStatus': {
    conditions: 'list=map:type patch=merge:type',
    observedGeneration: 'int64',
  },
  'apps.v1.DaemonSetUpdateStrategy': {
    type: 'enum=apps.v1.DaemonSetUpdateStrategyType',
  },
  'apps.v1.DeploymentSpec': {
    strategy: 'patch=retainKeys',
  },
  'apps.v1.DeploymentStatus': {
    conditions: 'list=map:type patch=merge:type',
    observedGeneration: 'int64',
  },
  'apps.v1.DeploymentStrategy': {
    type: 'enum=apps.v1.DeploymentStrategyType',
  },
  'apps.v1.ReplicaSetStatus': {
    conditions: 'list=map:type patch=merge:type',
    observedGeneration: 'int64',
  },
  'apps.v1.StatefulSetSpec': {
    podManagementPolicy: 'enum=apps.v1.PodManagementPolicyType',
    volumeClaimTemplates: 'list=atomic',
  },
  'apps.v1.StatefulSetStatus': {
    conditions: 'list=map:type patch=merge:type',
    observedGeneration: 'int64',
  },
  'apps.v1.StatefulSetUpdateStrategy': {
    type: 'enum=apps.v1.StatefulSetUpdateStrategyType',
  },
  'authentication.v1.TokenRequestSpec': {
    audiences: 'list=atomic',
    expirationSeconds: 'int64',
  },
  'authentication.v1.TokenReviewSpec': {
    audiences: 'list=atomic',
  },
  'authentication.v1.TokenReviewStatus': {
    audiences: 'list=atomic',
  },
  'authentication.v1.UserInfo': {
    groups: 'list=atomic',
  },
  'authorization.v1.FieldSelectorAttributes': {
    requirements: 'list=atomic',
  },
  'authorization.v1.LabelSelectorAttributes': {
    requirements: 'list=atomic',
  },
  'authorization.v1.NonResourceRule': {
    nonResourceURLs: 'list=atomic',
    verbs: 'list=atomic',
  },
  'authorization.v1.ResourceRule': {
    apiGroups: 'list=atomic',
    resourceNames: 'list=atomic',
    resources: 'list=atomic',
    verbs: 'list=atomic',
  },
  'authorization.v1.SubjectAccessReviewSpec': {
    groups: 'list=atomic',
  },
  'authorization.v1.SubjectRulesReviewStatus': {
    nonResourceRules: 'list=atomic',
    resourceRules: 'list=atomic',
  },
  'autoscaling.v1.HorizontalPodAutoscalerStatus': {
    observedGeneration: 'int64',
  },
  'autoscaling.v2.HPAScalingRules': {
    policies: 'list=atomic',
  },
  'autoscaling.v2.HorizontalPodAutoscalerSpec': {
    metrics: 'list=atomic',
  },
  'autoscaling.v2.HorizontalPodAutoscalerStatus': {
    conditions: 'list=map:type patch=merge:type',
    currentMetrics: 'list=atomic',
    observedGeneration: 'int64',
  },
  'batch.v1.CronJobSpec': {
    concurrencyPolicy: 'enum=batch.v1.ConcurrencyPolicy',
    startingDeadlineSeconds: 'int64',
  },
  'batch.v1.CronJobStatus': {
    active: 'list=atomic',
  },
  'batch.v1.JobSpec': {
    activeDeadlineSeconds: 'int64',
    completionMode: 'enum=batch.v1.CompletionMode',
    podReplacementPolicy: 'enum=batch.v1.PodReplacementPolicy',
  },
  'batch.v1.JobStatus': {
    conditions: 'list=atomic patch=merge:type',
  },
  'batch.v1.PodFailurePolicy': {
    rules: 'list=atomic',
  },
  'batch.v1.PodFailurePolicyOnExitCodesRequirement': {
    operator: 'enum=batch.v1.PodFailurePolicyOnExitCodesOperator',
    values: 'list=set',
  },
  'batch.v1.PodFailurePolicyRule': {
    action: 'enum=batch.v1.PodFailurePolicyAction',
    onPodConditions: 'list=atomic',
  },
  'batch.v1.SuccessPolicy': {
    rules: 'list=atomic',
  },
  'batch.v1.UncountedTerminatedPods': {
    failed: 'list=set',
    succeeded: 'list=set',
  },
  'certificates.v1.CertificateSigningRequestSpec': {
    groups: 'list=atomic',
    request: 'byte',
    usages: 'list=atomic enum=certificates.v1.KeyUsage',
  },
  'certificates.v1.CertificateSigningRequestStatus': {
    certificate: 'byte',
    conditions: 'list=map:type',
  },
  'core.v1.AppArmorProfile': {
    type: 'enum=core.v1.AppArmorProfileType',
  },
  'core.v1.AzureDiskVolumeSource': {
    cachingMode: 'enum=core.v1.AzureDataDiskCachingMode default="ReadWrite"',
    fsType: 'default="ext4"',
    kind: 'enum=core.v1.AzureDataDiskKind default="Shared"',
    readOnly: 'default=false',
  },
  'core.v1.Capabilities': {
    add: 'list=atomic',
    drop: 'list=atomic',
  },
  'core.v1.CephFSPersistentVolumeSource': {
    monitors: 'list=atomic',
  },
  'core.v1.CephFSVolumeSource': {
    monitors: 'list=atomic',
  },
  'core.v1.ComponentStatus': {
    conditions: 'list=map:type patch=merge:type',
  },
  'core.v1.ConfigMap': {
    binaryData: 'byte',
  },
  'core.v1.ConfigMapProjection': {
    items: 'list=atomic',
  },
  'core.v1.ConfigMapVolumeSource': {
    items: 'list=atomic',
  },
  'core.v1.Container': containerFacts,
  'core.v1.ContainerImage': {
    names: 'list=atomic',
    sizeBytes: 'int64',
  },
  'core.v1.ContainerPort': {
    protocol: 'enum=core.v1.Protocol default="TCP"',
  },
  'core.v1.ContainerStatus': {
    allocatedResourcesStatus: 'list=map:name patch=merge:name',
    volumeMounts: 'list=map:mountPath patch=merge:mountPath',
  },
  'core.v1.DownwardAPIProjection': {
    items: 'list=atomic',
  },
  'core.v1.DownwardAPIVolumeSource': {
    items: 'list=atomic',
  },
  'core.v1.EndpointPort': {
    protocol: 'enum=core.v1.Protocol',
  },
  'core.v1.EndpointSubset': {
    addresses: 'list=atomic',
    notReadyAddresses: 'list=atomic',
    ports: 'list=atomic',
  },
  'core.v1.Endpoints': {
    subsets: 'list=atomic',
  },
  'core.v1.EphemeralContainer': containerFacts,
  'core.v1.ExecAction': {
    command: 'list=atomic',
  },
  'core.v1.FCVolumeSource': {
    targetWWNs: 'list=atomic',
    wwids: 'list=atomic',
  },
  'core.v1.HTTPGetAction': {
    httpHeaders: 'list=atomic',
    scheme: 'enum=core.v1.URIScheme',
  },
  'core.v1.HostAlias': {
    hostnames: 'list=atomic',
  },
  'core.v1.HostPathVolumeSource': {
    type: 'enum=core.v1.HostPathType',
  },
  'core.v1.ISCSIPersistentVolumeSource': {
    iscsiInterface: 'default="default"',
    portals: 'list=atomic',
  },
  'core.v1.ISCSIVolumeSource': {
    iscsiInterface: 'default="default"',
    portals: 'list=atomic',
  },
  'core.v1.ImageVolumeSource': {
    pullPolicy: 'enum=core.v1.PullPolicy',
  },
  'core.v1.LimitRangeSpec': {
    limits: 'list=atomic',
  },
  'core.v1.LinuxContainerUser': {
    gid: 'int64',
    supplementalGroups: 'int64 list=atomic',
    uid: 'int64',
  },
  'core.v1.LoadBalancerIngress': {
    ports: 'list=atomic',
  },
  'core.v1.LoadBalancerStatus': {
    ingress: 'list=atomic',
  },
  'core.v1.ModifyVolumeStatus': {
    status: 'enum=core.v1.PersistentVolumeClaimModifyVolumeStatus',
  },
  'core.v1.NamespaceSpec': {
    finalizers: 'list=atomic',
  },
  'core.v1.NamespaceStatus': {
    conditions: 'list=map:type patch=merge:type',
    phase: 'enum=core.v1.NamespacePhase',
  },
  'core.v1.NodeAffinity': {
    preferredDuringSchedulingIgnoredDuringExecution: 'list=atomic',
  },
  'core.v1.NodeSelector': {
    nodeSelectorTerms: 'list=atomic',
  },
  'core.v1.NodeSelectorRequirement': {
    operator: 'enum=core.v1.NodeSelectorOperator',
    values: 'list=atomic',
  },
  'core.v1.NodeSelectorTerm': {
    matchExpressions: 'list=atomic',
    matchFields: 'list=atomic',
  },
  'core.v1.NodeSpec': {
    podCIDRs: 'list=set patch=merge',
    taints: 'list=atomic',
  },
  'core.v1.NodeStatus': {
    addresses: 'list=map:type patch=merge:type',
    conditions: 'list=map:type patch=merge:type',
    images: 'list=atomic',
    phase: 'enum=core.v1.NodePhase',
    runtimeHandlers: 'list=atomic',
    volumesAttached: 'list=atomic',
    volumesInUse: 'list=atomic',
  },
  'core.v1.PersistentVolumeClaimSpec': {
    accessModes: 'list=atomic enum=core.v1.PersistentVolumeAccessMode',
    volumeMode: 'enum=core.v1.PersistentVolumeMode',
  },
  'core.v1.PersistentVolumeClaimStatus': {
    accessModes: 'list=atomic enum=core.v1.PersistentVolumeAccessMode',
    allocatedResourceStatuses: 'map=granular enum=core.v1.ClaimResourceStatus',
    conditions: 'list=map:type patch=merge:type',
    phase: 'enum=core.v1.PersistentVolumeClaimPhase',
  },
  'core.v1.PersistentVolumeSpec': {
    accessModes: 'list=atomic enum=core.v1.PersistentVolumeAccessMode',
    claimRef: 'map=granular',
    mountOptions: 'list=atomic',
    persistentVolumeReclaimPolicy: 'enum=core.v1.PersistentVolumeReclaimPolicy',
    volumeMode: 'enum=core.v1.PersistentVolumeMode',
  },
  'core.v1.PersistentVolumeStatus': {
    phase: 'enum=core.v1.PersistentVolumePhase',
  },
  'core.v1.PodAffinity': {
    preferredDuringSchedulingIgnoredDuringExecution: 'list=atomic',
    requiredDuringSchedulingIgnoredDuringExecution: 'list=atomic',
  },
  'core.v1.PodAffinityTerm': {
    matchLabelKeys: 'list=atomic',
    mismatchLabelKeys: 'list=atomic',
    namespaces: 'list=atomic',
  },
  'core.v1.PodAntiAffinity': {
    preferredDuringSchedulingIgnoredDuringExecution: 'list=atomic',
    requiredDuringSchedulingIgnoredDuringExecution: 'list=atomic',
  },
  'core.v1.PodDNSConfig': {
    nameservers: 'list=atomic',
    options: 'list=atomic',
    searches: 'list=atomic',
  },
  'core.v1.PodSecurityContext': {
    fsGroup: 'int64',
    fsGroupChangePolicy: 'enum=core.v1.PodFSGroupChangePolicy',
    runAsGroup: 'int64',
    runAsUser: 'int64',
    supplementalGroups: 'int64 list=atomic',
    supplementalGroupsPolicy: 'enum=core.v1.SupplementalGroupsPolicy',
    sysctls: 'list=atomic',
  },
  'core.v1.PodSpec': {
    activeDeadlineSeconds: 'int64',
    containers: 'list=map:name patch=merge:name',
    dnsPolicy: 'enum=core.v1.DNSPolicy',
    ephemeralContainers: 'list=map:name patch=merge:name',
    hostAliases: 'list=map:ip patch=merge:ip',
    imagePullSecrets: 'list=map:name patch=merge:name',
    initContainers: 'list=map:name patch=merge:name',
    nodeSelector: 'map=atomic',
    preemptionPolicy: 'enum=core.v1.PreemptionPolicy',
    readinessGates: 'list=atomic',
    resourceClaims: 'list=map:name patch=merge,retainKeys:name',
    restartPolicy: 'enum=core.v1.RestartPolicy',
    schedulingGates: 'list=map:name patch=merge:name',
    terminationGracePeriodSeconds: 'int64',
    tolerations: 'list=atomic',
    topologySpreadConstraints: 'list=map:topologyKey,whenUnsatisfiable patch=merge:topologyKey',
    volumes: 'list=map:name patch=merge,retainKeys:name',
  },
  'core.v1.PodStatus': {
    conditions: 'list=map:type patch=merge:type',
    containerStatuses: 'list=atomic',
    ephemeralContainerStatuses: 'list=atomic',
    hostIPs: 'list=atomic patch=merge:ip',
    initContainerStatuses: 'list=atomic',
    phase: 'enum=core.v1.PodPhase',
    podIPs: 'list=map:ip patch=merge:ip',
    qosClass: 'enum=core.v1.PodQOSClass',
    resourceClaimStatuses: 'list=map:name patch=merge,retainKeys:name',
  },
  'core.v1.PortStatus': {
    protocol: 'enum=core.v1.Protocol',
  },
  'core.v1.Probe': {
    terminationGracePeriodSeconds: 'int64',
  },
  'core.v1.ProjectedVolumeSource': {
    sources: 'list=atomic',
  },
  'core.v1.RBDPersistentVolumeSource': {
    keyring: 'default="/etc/ceph/keyring"',
    monitors: 'list=atomic',
    pool: 'default="rbd"',
    user: 'default="admin"',
  },
  'core.v1.RBDVolumeSource': {
    keyring: 'default="/etc/ceph/keyring"',
    monitors: 'list=atomic',
    pool: 'default="rbd"',
    user: 'default="admin"',
  },
  'core.v1.ReplicationControllerSpec': {
    selector: 'map=atomic',
  },
  'core.v1.ReplicationControllerStatus': {
    conditions: 'list=map:type patch=merge:type',
    observedGeneration: 'int64',
  },
  'core.v1.ResourceQuotaSpec': {
    scopes: 'list=atomic enum=core.v1.ResourceQuotaScope',
  },
  'core.v1.ResourceRequirements': {
    claims: 'list=map:name',
  },
  'core.v1.ResourceStatus': {
    resources: 'list=map:resourceID',
  },
  'core.v1.ScaleIOPersistentVolumeSource': {
    fsType: 'default="xfs"',
    storageMode: 'default="ThinProvisioned"',
  },
  'core.v1.ScaleIOVolumeSource': {
    fsType: 'default="xfs"',
    storageMode: 'default="ThinProvisioned"',
  },
  'core.v1.ScopeSelector': {
    matchExpressions: 'list=atomic',
  },
  'core.v1.ScopedResourceSelectorRequirement': {
    operator: 'enum=core.v1.ScopeSelectorOperator',
    scopeName: 'enum=core.v1.ResourceQuotaScope',
    values: 'list=atomic',
  },
  'core.v1.SeccompProfile': {
    type: 'enum=core.v1.SeccompProfileType',
  },
  'core.v1.Secret': {
    data: 'byte',
  },
  'core.v1.SecretProjection': {
    items: 'list=atomic',
  },
  'core.v1.SecretVolumeSource': {
    items: 'list=atomic',
  },
  'core.v1.SecurityContext': {
    procMount: 'enum=core.v1.ProcMountType',
    runAsGroup: 'int64',
    runAsUser: 'int64',
  },
  'core.v1.ServiceAccount': {
    imagePullSecrets: 'list=atomic',
    secrets: 'list=map:name patch=merge:name',
  },
  'core.v1.ServiceAccountTokenProjection': {
    expirationSeconds: 'int64',
  },
  'core.v1.ServicePort': {
    protocol: 'enum=core.v1.Protocol default="TCP"',
  },
  'core.v1.ServiceSpec': {
    clusterIPs: 'list=atomic',
    externalIPs: 'list=atomic',
    externalTrafficPolicy: 'enum=core.v1.ServiceExternalTrafficPolicy',
    internalTrafficPolicy: 'enum=core.v1.ServiceInternalTrafficPolicy',
    ipFamilies: 'list=atomic enum=core.v1.IPFamily',
    ipFamilyPolicy: 'enum=core.v1.IPFamilyPolicy',
    loadBalancerSourceRanges: 'list=atomic',
    ports: 'list=map:port,protocol patch=merge:port',
    selector: 'map=atomic',
    sessionAffinity: 'enum=core.v1.ServiceAffinity',
    type: 'enum=core.v1.ServiceType',
  },
  'core.v1.ServiceStatus': {
    conditions: 'list=map:type patch=merge:type',
  },
  'core.v1.SleepAction': {
    seconds: 'int64',
  },
  'core.v1.Taint': {
    effect: 'enum=core.v1.TaintEffect',
  },
  'core.v1.Toleration': {
    effect: 'enum=core.v1.TaintEffect',
    operator: 'enum=core.v1.TolerationOperator',
    tolerationSeconds: 'int64',
  },
  'core.v1.TopologySelectorLabelRequirement': {
    values: 'list=atomic',
  },
  'core.v1.TopologySelectorTerm': {
    matchLabelExpressions: 'list=atomic',
  },
  'core.v1.TopologySpreadConstraint': {
    matchLabelKeys: 'list=atomic',
    nodeAffinityPolicy: 'enum=core.v1.NodeInclusionPolicy',
    nodeTaintsPolicy: 'enum=core.v1.NodeInclusionPolicy',
    whenUnsatisfiable: 'enum=core.v1.UnsatisfiableConstraintAction',
  },
  'core.v1.VolumeMount': {
    mountPropagation: 'enum=core.v1.MountPropagationMode',
  },
  'discovery.v1.Endpoint': {
    addresses: 'list=set',
  },
  'discovery.v1.EndpointHints': {
    forZones: 'list=atomic',
  },
  'discovery.v1.EndpointPort': {
    protocol: 'enum=core.v1.Protocol',
  },
  'discovery.v1.EndpointSlice': {
    addressType: 'enum=discovery.v1.AddressType',
    endpoints: 'list=atomic',
    ports: 'list=atomic',
  },
  'flowcontrol.v1.FlowSchemaSpec': {
    rules: 'list=atomic',
  },
  'flowcontrol.v1.FlowSchemaStatus': {
    conditions: 'list=map:type patch=merge:type',
  },
  'flowcontrol.v1.NonResourcePolicyRule': {
    nonResourceURLs: 'list=set',
    verbs: 'list=set',
  },
  'flowcontrol.v1.PolicyRulesWithSubjects': {
    nonResourceRules: 'list=atomic',
    resourceRules: 'list=atomic',
    subjects: 'list=atomic',
  },
  'flowcontrol.v1.PriorityLevelConfigurationStatus': {
    conditions: 'list=map:type patch=merge:type',
  },
  'flowcontrol.v1.ResourcePolicyRule': {
    apiGroups: 'list=set',
    namespaces: 'list=set',
    resources: 'list=set',
    verbs: 'list=set',
  },
  'meta.v1.APIGroup': {
    serverAddressByClientCIDRs: 'list=atomic',
    versions: 'list=atomic',
  },
  'meta.v1.APIGroupList': {
    groups: 'list=atomic',
  },
  'meta.v1.APIResource': {
    categories: 'list=atomic',
    shortNames: 'list=atomic',
  },
  'meta.v1.APIResourceList': {
    resources: 'list=atomic',
  },
  'meta.v1.APIVersions': {
    serverAddressByClientCIDRs: 'list=atomic',
    versions: 'list=atomic',
  },
  'meta.v1.Condition': {
    observedGeneration: 'int64',
  },
  'meta.v1.DeleteOptions': {
    dryRun: 'list=atomic',
    gracePeriodSeconds: 'int64',
  },
  'meta.v1.FieldSelectorRequirement': {
    values: 'list=atomic',
  },
  'meta.v1.LabelSelector': {
    matchExpressions: 'list=atomic',
  },
  'meta.v1.LabelSelectorRequirement': {
    values: 'list=atomic',
  },
  'meta.v1.ListMeta': {
    remainingItemCount: 'int64',
  },
  'meta.v1.ObjectMeta': {
    deletionGracePeriodSeconds: 'int64',
    finalizers: 'list=set patch=merge',
    generation: 'int64',
    managedFields: 'list=atomic',
    ownerReferences: 'list=map:uid patch=merge:uid',
  },
  'meta.v1.StatusDetails': {
    causes: 'list=atomic',
  },
  'networking.v1.HTTPIngressPath': {
    pathType: 'enum=networking.v1.PathType',
  },
  'networking.v1.HTTPIngressRuleValue': {
    paths: 'list=atomic',
  },
  'networking.v1.IPBlock': {
    except: 'list=atomic',
  },
  'networking.v1.IngressLoadBalancerIngress': {
    ports: 'list=atomic',
  },
  'networking.v1.IngressLoadBalancerStatus': {
    ingress: 'list=atomic',
  },
  'networking.v1.IngressPortStatus': {
    protocol: 'enum=core.v1.Protocol',
  },
  'networking.v1.IngressSpec': {
    rules: 'list=atomic',
    tls: 'list=atomic',
  },
  'networking.v1.IngressTLS': {
    hosts: 'list=atomic',
  },
  'networking.v1.NetworkPolicyEgressRule': {
    ports: 'list=atomic',
    to: 'list=atomic',
  },
  'networking.v1.NetworkPolicyIngressRule': {
    from: 'list=atomic',
    ports: 'list=atomic',
  },
  'networking.v1.NetworkPolicyPort': {
    protocol: 'enum=core.v1.Protocol',
  },
  'networking.v1.NetworkPolicySpec': {
    egress: 'list=atomic',
    ingress: 'list=atomic',
    policyTypes: 'list=atomic enum=networking.v1.PolicyType',
  },
  'node.v1.Scheduling': {
    nodeSelector: 'map=atomic',
    tolerations: 'list=atomic',
  },
  'policy.v1.PodDisruptionBudgetSpec': {
    selector: 'patch=replace',
    unhealthyPodEvictionPolicy: 'enum=policy.v1.UnhealthyPodEvictionPolicyType',
  },
  'policy.v1.PodDisruptionBudgetStatus': {
    conditions: 'list=map:type patch=merge:type',
    observedGeneration: 'int64',
  },
  'rbac.v1.AggregationRule': {
    clusterRoleSelectors: 'list=atomic',
  },
  'rbac.v1.ClusterRole': {
    rules: 'list=atomic',
  },
  'rbac.v1.ClusterRoleBinding': {
    subjects: 'list=atomic',
  },
  'rbac.v1.PolicyRule': {
    apiGroups: 'list=atomic',
    nonResourceURLs: 'list=atomic',
    resourceNames: 'list=atomic',
    resources: 'list=atomic',
    verbs: 'list=atomic',
  },
  'rbac.v1.Role': {
    rules: 'list=atomic',
  },
  'rbac.v1.RoleBinding': {
    subjects: 'list=atomic',
  },
  'scheduling.v1.PriorityClass': {
    preemptionPolicy: 'enum=core.v1.PreemptionPolicy',
  },
  'storage.v1.CSIDriverSpec': {
    tokenRequests: 'list=atomic',
    volumeLifecycleModes: 'list=set',
  },
  'storage.v1.CSINodeDriver': {
    topologyKeys: 'list=atomic',
  },
  'storage.v1.CSINodeSpec': {
    drivers: 'list=map:name patch=merge:name',
  },
  'storage.v1.StorageClass': {
    allowedTopologies: 'list=atomic',
    mountOptions: 'list=atomic',
    reclaimPolicy: 'enum=core.v1.PersistentVolumeReclaimPolicy',
    volumeBindingMode: 'enum=storage.v1.VolumeBindingMode',
  },
  'storage.v1.TokenRequest': {
    expirationSeconds: 'int64',
  },
};

const typeFacts: Readonly<Record<string, string>> = {
  'admissionregistration.v1.MatchResources': 'map=atomic',
  'admissionregistration.v1.NamedRuleWithOperations': 'map=atomic',
  'admissionregistration.v1.ParamKind': 'map=atomic',
  'admissionregistration.v1.ParamRef': 'map=atomic',
  'admissionregistration.v1.Variable': 'map=atomic',
  'api.resource.Quantity': 'string-or-number',
  'apiextensions.v1.JSON': 'any preserve',
  'apiextensions.v1.JSONSchemaPropsOrArray': 'any preserve',
  'apiextensions.v1.JSONSchemaPropsOrBool': 'any preserve',
  'apiextensions.v1.JSONSchemaPropsOrStringArray': 'any preserve',
  'autoscaling.v1.CrossVersionObjectReference': 'map=atomic',
  'core.v1.ConfigMapKeySelector': 'map=atomic',
  'core.v1.EndpointAddress': 'map=atomic',
  'core.v1.EndpointPort': 'map=atomic',
  'core.v1.LocalObjectReference': 'map=atomic',
  'core.v1.NodeSelector': 'map=atomic',
  'core.v1.NodeSelectorTerm': 'map=atomic',
  'core.v1.ObjectFieldSelector': 'map=atomic',
  'core.v1.ObjectReference': 'map=atomic',
  'core.v1.ResourceFieldSelector': 'map=atomic',
  'core.v1.ScopeSelector': 'map=atomic',
  'core.v1.SecretKeySelector': 'map=atomic',
  'core.v1.SecretReference': 'map=atomic',
  'core.v1.TopologySelectorTerm': 'map=atomic',
  'core.v1.TypedLocalObjectReference': 'map=atomic',
  'discovery.v1.EndpointPort': 'map=atomic',
  'meta.v1.DeleteOptions': 'kind=everywhere',
  'meta.v1.FieldsV1': 'preserve',
  'meta.v1.LabelSelector': 'map=atomic',
  'meta.v1.MicroTime': 'format=date-time',
  'meta.v1.OwnerReference': 'map=atomic',
  'meta.v1.Status': 'kind',
  'meta.v1.Time': 'format=date-time',
  'meta.v1.WatchEvent': 'kind=everywhere',
  'networking.v1.ServiceBackendPort': 'map=atomic',
  'rbac.v1.RoleRef': 'map=atomic',
  'rbac.v1.Subject': 'map=atomic',
  'runtime.RawExtension': 'preserve',
};

const enums: Readonly<Record<string, readonly string[]>> = {
  'admissionregistration.v1.FailurePolicyType': ['Fail', 'Ignore'],
  'admissionregistration.v1.MatchPolicyType': ['Equivalent', 'Exact'],
  'admissionregistration.v1.OperationType': ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'],
  'admissionregistration.v1.ReinvocationPolicyType': ['IfNeeded', 'Never'],
  'admissionregistration.v1.ScopeType': ['*', 'Cluster', 'Namespaced'],
  'admissionregistration.v1.SideEffectClass': ['None', 'NoneOnDryRun', 'Some', 'Unknown'],
  'admissionregistration.v1.ValidationAction': ['Audit', 'Deny', 'Warn'],
  'apiextensions.v1.FieldValueErrorReason': ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'],
  'apps.v1.DaemonSetUpdateStrategyType': ['OnDelete', 'RollingUpdate'],
  'apps.v1.DeploymentStrategyType': ['Recreate', 'RollingUpdate'],
  'apps.v1.PodManagementPolicyType': ['OrderedReady', 'Parallel'],
  'apps.v1.StatefulSetUpdateStrategyType': ['OnDelete', 'RollingUpdate'],
  'batch.v1.CompletionMode': ['Indexed', 'NonIndexed'],
  'batch.v1.ConcurrencyPolicy': ['Allow', 'Forbid', 'Replace'],
  'batch.v1.PodFailurePolicyAction': ['Count', 'FailIndex', 'FailJob', 'Ignore'],
  'batch.v1.PodFailurePolicyOnExitCodesOperator': ['In', 'NotIn'],
  'batch.v1.PodReplacementPolicy': ['Failed', 'TerminatingOrFailed'],
  'certificates.v1.KeyUsage': [
    'any', 'cert sign', 'client auth', 'code signing', 'content commitment', 'crl sign',
    'data encipherment', 'decipher only', 'digital signature', 'email protection', 'encipher only',
    'ipsec end system', 'ipsec tunnel', 'ipsec user', 'key agreement', 'key encipherment',
    'microsoft sgc', 'netscape sgc', 'ocsp signing', 's/mime', 'server auth', 'signing',
    'timestamping',
  ],
  'core.v1.AppArmorProfileType': ['Localhost', 'RuntimeDefault', 'Unconfined'],
  'core.v1.AzureDataDiskCachingMode': ['None', 'ReadOnly', 'ReadWrite'],
  'core.v1.AzureDataDiskKind': ['Dedicated', 'Managed', 'Shared'],
  'core.v1.ClaimResourceStatus': ['ControllerResizeInProgress', 'ControllerResizeInfeasible', 'NodeResizeInProgress', 'NodeResizeInfeasible', 'NodeResizePending'],
  'core.v1.DNSPolicy': ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
  'core.v1.HostPathType': ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'],
  'core.v1.IPFamily': ['', 'IPv4', 'IPv6'],
  'core.v1.IPFamilyPolicy': ['PreferDualStack', 'RequireDualStack', 'SingleStack'],
  'core.v1.MountPropagationMode': ['Bidirectional', 'HostToContainer', 'None'],
  'core.v1.NamespacePhase': ['Active', 'Terminating'],
  'core.v1.NodeInclusionPolicy': ['Honor', 'Ignore'],
  'core.v1.NodePhase': ['Pending', 'Running', 'Terminated'],
  'core.v1.NodeSelectorOperator': ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'],
  'core.v1.PersistentVolumeAccessMode': ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'],
  'core.v1.PersistentVolumeClaimModifyVolumeStatus': ['InProgress', 'Infeasible', 'Pending'],
  'core.v1.PersistentVolumeClaimPhase': ['Bound', 'Lost', 'Pending'],
  'core.v1.PersistentVolumeMode': ['Block', 'Filesystem'],
  'core.v1.PersistentVolumePhase': ['Available', 'Bound', 'Failed', 'Pending', 'Released'],
  'core.v1.PersistentVolumeReclaimPolicy': ['Delete', 'Recycle', 'Retain'],
  'core.v1.PodFSGroupChangePolicy': ['Always', 'OnRootMismatch'],
  'core.v1.PodPhase': ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'],
  'core.v1.PodQOSClass': ['BestEffort', 'Burstable', 'Guaranteed'],
  'core.v1.PreemptionPolicy': ['Never', 'PreemptLowerPriority'],
  'core.v1.ProcMountType': ['Default', 'Unmasked'],
  'core.v1.Protocol': ['SCTP', 'TCP', 'UDP'],
  'core.v1.PullPolicy': ['Always', 'IfNotPresent', 'Never'],
  'core.v1.ResourceQuotaScope': ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating'],
  'core.v1.RestartPolicy': ['Always', 'Never', 'OnFailure'],
  'core.v1.ScopeSelectorOperator': ['DoesNotExist', 'Exists', 'In', 'NotIn'],
  'core.v1.SeccompProfileType': ['Localhost', 'RuntimeDefault', 'Unconfined'],
  'core.v1.ServiceAffinity': ['ClientIP', 'None'],
  'core.v1.ServiceExternalTrafficPolicy': ['Cluster', 'Local'],
  'core.v1.ServiceInternalTrafficPolicy': ['Cluster', 'Local'],
  'core.v1.ServiceType': ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
  'core.v1.SupplementalGroupsPolicy': ['Merge', 'Strict'],
  'core.v1.TaintEffect': ['NoExecute', 'NoSchedule', 'PreferNoSchedule'],
  'core.v1.TerminationMessagePolicy': ['FallbackToLogsOnError', 'File'],
  'core.v1.TolerationOperator': ['Equal', 'Exists'],
  'core.v1.URIScheme': ['HTTP', 'HTTPS'],
  'core.v1.UnsatisfiableConstraintAction': ['DoNotSchedule', 'ScheduleAnyway'],
  'discovery.v1.AddressType': ['FQDN'],
  'networking.v1.PathType': ['Exact', 'ImplementationSpecific', 'Prefix'],
  'networking.v1.PolicyType': ['Egress', 'Ingress'],
  'policy.v1.UnhealthyPodEvictionPolicyType': ['AlwaysAllow', 'IfHealthyBudget'],
  'storage.v1.VolumeBindingMode': ['Immediate', 'WaitForFirstConsumer'],
};
