// Protobuf wire facts of networking/v1 at Kubernetes v1.32: field numbers and kinds from
// k8s.io/api generated.proto; JSON names, omitempty and inline from the Go types.
// Derived mechanically from those sources; the format is described in ../table.ts.

import type { GroupVersionTable } from '../table.ts';

export const networkingV1: GroupVersionTable = {
  apiVersion: 'networking.k8s.io/v1',
  prefix: 'networking/v1',
  kinds: ['Ingress', 'IngressClass', 'NetworkPolicy'],
  messages: {
    'networking/v1.HTTPIngressPath': {
      1: ['path', 'string', 'omitempty'],
      2: ['backend', 'message:networking/v1.IngressBackend'],
      3: ['pathType', 'string'],
    },
    'networking/v1.HTTPIngressRuleValue': {
      1: ['paths', 'message:networking/v1.HTTPIngressPath', 'repeated'],
    },
    'networking/v1.Ingress': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:networking/v1.IngressSpec'],
      3: ['status', 'message:networking/v1.IngressStatus'],
    },
    'networking/v1.IngressBackend': {
      3: ['resource', 'message:core/v1.TypedLocalObjectReference'],
      4: ['service', 'message:networking/v1.IngressServiceBackend'],
    },
    'networking/v1.IngressClass': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:networking/v1.IngressClassSpec'],
    },
    'networking/v1.IngressClassParametersReference': {
      1: ['apiGroup', 'string'],
      2: ['kind', 'string'],
      3: ['name', 'string'],
      4: ['scope', 'string'],
      5: ['namespace', 'string'],
    },
    'networking/v1.IngressClassSpec': {
      1: ['controller', 'string', 'omitempty'],
      2: ['parameters', 'message:networking/v1.IngressClassParametersReference'],
    },
    'networking/v1.IngressLoadBalancerIngress': {
      1: ['ip', 'string', 'omitempty'],
      2: ['hostname', 'string', 'omitempty'],
      4: ['ports', 'message:networking/v1.IngressPortStatus', 'repeated'],
    },
    'networking/v1.IngressLoadBalancerStatus': {
      1: ['ingress', 'message:networking/v1.IngressLoadBalancerIngress', 'repeated'],
    },
    'networking/v1.IngressPortStatus': {
      1: ['port', 'int32'],
      2: ['protocol', 'string'],
      3: ['error', 'string'],
    },
    'networking/v1.IngressRule': {
      1: ['host', 'string', 'omitempty'],
      2: ['', 'message:networking/v1.IngressRuleValue', 'inline'],
    },
    'networking/v1.IngressRuleValue': {
      1: ['http', 'message:networking/v1.HTTPIngressRuleValue'],
    },
    'networking/v1.IngressServiceBackend': {
      1: ['name', 'string'],
      2: ['port', 'message:networking/v1.ServiceBackendPort'],
    },
    'networking/v1.IngressSpec': {
      1: ['defaultBackend', 'message:networking/v1.IngressBackend'],
      2: ['tls', 'message:networking/v1.IngressTLS', 'repeated'],
      3: ['rules', 'message:networking/v1.IngressRule', 'repeated'],
      4: ['ingressClassName', 'string'],
    },
    'networking/v1.IngressStatus': {
      1: ['loadBalancer', 'message:networking/v1.IngressLoadBalancerStatus'],
    },
    'networking/v1.IngressTLS': {
      1: ['hosts', 'string', 'repeated'],
      2: ['secretName', 'string', 'omitempty'],
    },
    'networking/v1.IPBlock': {
      1: ['cidr', 'string'],
      2: ['except', 'string', 'repeated'],
    },
    'networking/v1.NetworkPolicy': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:networking/v1.NetworkPolicySpec'],
    },
    'networking/v1.NetworkPolicyEgressRule': {
      1: ['ports', 'message:networking/v1.NetworkPolicyPort', 'repeated'],
      2: ['to', 'message:networking/v1.NetworkPolicyPeer', 'repeated'],
    },
    'networking/v1.NetworkPolicyIngressRule': {
      1: ['ports', 'message:networking/v1.NetworkPolicyPort', 'repeated'],
      2: ['from', 'message:networking/v1.NetworkPolicyPeer', 'repeated'],
    },
    'networking/v1.NetworkPolicyPeer': {
      1: ['podSelector', 'message:meta/v1.LabelSelector'],
      2: ['namespaceSelector', 'message:meta/v1.LabelSelector'],
      3: ['ipBlock', 'message:networking/v1.IPBlock'],
    },
    'networking/v1.NetworkPolicyPort': {
      1: ['protocol', 'string'],
      2: ['port', 'message:intstr.IntOrString'],
      3: ['endPort', 'int32'],
    },
    'networking/v1.NetworkPolicySpec': {
      1: ['podSelector', 'message:meta/v1.LabelSelector'],
      2: ['ingress', 'message:networking/v1.NetworkPolicyIngressRule', 'repeated'],
      3: ['egress', 'message:networking/v1.NetworkPolicyEgressRule', 'repeated'],
      4: ['policyTypes', 'string', 'repeated'],
    },
    'networking/v1.ServiceBackendPort': {
      1: ['name', 'string', 'omitempty'],
      2: ['number', 'int32', 'omitempty'],
    },
  },
};
