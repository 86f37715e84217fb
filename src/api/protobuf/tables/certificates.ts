// Protobuf wire facts of certificates/v1 at Kubernetes v1.32: field numbers and kinds from
// k8s.io/api generated.proto; JSON names, omitempty and inline from the Go types.
// Derived mechanically from those sources; the format is described in ../table.ts.

import type { GroupVersionTable } from '../table.ts';

export const certificatesV1: GroupVersionTable = {
  apiVersion: 'certificates.k8s.io/v1',
  prefix: 'certificates/v1',
  kinds: ['CertificateSigningRequest'],
  messages: {
    'certificates/v1.CertificateSigningRequest': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:certificates/v1.CertificateSigningRequestSpec'],
      3: ['status', 'message:certificates/v1.CertificateSigningRequestStatus'],
    },
    'certificates/v1.CertificateSigningRequestCondition': {
      1: ['type', 'string'],
      2: ['reason', 'string', 'omitempty'],
      3: ['message', 'string', 'omitempty'],
      4: ['lastUpdateTime', 'message:meta/v1.Time'],
      5: ['lastTransitionTime', 'message:meta/v1.Time'],
      6: ['status', 'string'],
    },
    'certificates/v1.CertificateSigningRequestSpec': {
      1: ['request', 'bytes'],
      2: ['username', 'string', 'omitempty'],
      3: ['uid', 'string', 'omitempty'],
      4: ['groups', 'string', 'repeated'],
      5: ['usages', 'string', 'repeated'],
      6: ['extra', 'map<string,message:certificates/v1.ExtraValue>'],
      7: ['signerName', 'string'],
      8: ['expirationSeconds', 'int32'],
    },
    'certificates/v1.CertificateSigningRequestStatus': {
      1: ['conditions', 'message:certificates/v1.CertificateSigningRequestCondition', 'repeated'],
      2: ['certificate', 'bytes', 'omitempty'],
    },
    'certificates/v1.ExtraValue': {
      1: ['items', 'string', 'repeated'],
    },
  },
};
