// Secret: sensitive data as base64 bytes, with type-specific required keys. stringData is a
// write-only convenience: defaulting folds it into data, as upstream's conversion does.

import type { FieldError } from '../../../apiserver/errors.ts';
import type { KindDeclaration } from '../../kind.ts';
import { immutable, invalidValue, required, tooLong } from '../../validation.ts';
import { ageColumn } from './format.ts';
import { decodedSize, maxDataSize, validateDataKeys, validateImmutableData } from './keyedData.ts';

export const secret: KindDeclaration = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  columns: [
    { name: 'Type', type: 'string', description: 'The type of the secret.', cell: (s) => s.type ?? '' },
    { name: 'Data', type: 'string', description: 'Number of keys in data.', cell: (s) => Object.keys(s.data ?? {}).length },
    ageColumn,
  ],
  fieldSelectors: { type: (s) => s.type ?? '' },
  defaults: (s) => {
    if (s.stringData) {
      s.data ??= {};
      for (const [key, value] of Object.entries(s.stringData)) s.data[key] = Buffer.from(String(value)).toString('base64');
      delete s.stringData;
    }
    s.type ||= 'Opaque';
  },
  validate: (s, old) => [
    ...(old ? [...(s.type !== old.type ? [immutable('type', s.type ?? '')] : []), ...validateImmutableData(s, old, ['data'])] : []),
    ...validateSecret(s),
  ],
};

function validateSecret(s: any): FieldError[] {
  const data: Record<string, string> = s.data ?? {};
  const errs = validateDataKeys(data, 'data');
  if (Object.values(data).reduce((n, v) => n + decodedSize(v), 0) > maxDataSize) errs.push(tooLong('data', maxDataSize));
  const has = (key: string) => key in data;
  switch (s.type) {
    case 'kubernetes.io/service-account-token':
      if (!s.metadata?.annotations?.['kubernetes.io/service-account.name']) errs.push(required('metadata.annotations[kubernetes.io/service-account.name]', ''));
      break;
    case 'kubernetes.io/dockercfg':
      errs.push(...validateJsonKey(data, '.dockercfg'));
      break;
    case 'kubernetes.io/dockerconfigjson':
      errs.push(...validateJsonKey(data, '.dockerconfigjson'));
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) errs.push(required('data[username]', ''), required('data[password]', ''));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!decodedSize(data['ssh-privatekey'])) errs.push(required('data[ssh-privatekey]', ''));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(required('data[tls.crt]', ''));
      if (!has('tls.key')) errs.push(required('data[tls.key]', ''));
      break;
  }
  return errs;
}

// Docker config secrets must hold a JSON object under their key.
function validateJsonKey(data: Record<string, string>, key: string): FieldError[] {
  if (!(key in data)) return [required(`data[${key}]`, '')];
  try {
    const parsed = JSON.parse(Buffer.from(data[key], 'base64').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('json: cannot unmarshal into Go value of type map[string]interface {}');
    return [];
  } catch (err) {
    return [invalidValue(`data[${key}]`, '<secret contents redacted>', (err as Error).message)];
  }
}
