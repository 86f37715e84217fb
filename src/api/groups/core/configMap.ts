// ConfigMap: configuration data for pods, as text (data) or base64 bytes (binaryData).

import type { FieldError } from '../../../apiserver/errors.ts';
import type { KindDeclaration } from '../../kind.ts';
import { invalidValue, tooLong } from '../../validation.ts';
import { ageColumn } from './format.ts';
import { decodedSize, maxDataSize, validateDataKeys, validateImmutableData } from './keyedData.ts';

export const configMap: KindDeclaration = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  columns: [
    { name: 'Data', type: 'string', description: 'Number of keys in data and binaryData.', cell: (cm) => Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length },
    ageColumn,
  ],
  validate: (cm, old) => [...validateConfigMap(cm), ...(old ? validateImmutableData(cm, old, ['data', 'binaryData']) : [])],
};

function validateConfigMap(cm: any): FieldError[] {
  const data: Record<string, string> = cm.data ?? {};
  const binary: Record<string, string> = cm.binaryData ?? {};
  const errs = validateDataKeys(data, 'data');
  for (const key of Object.keys(data)) if (key in binary) errs.push(invalidValue(`data[${key}]`, key, 'duplicate of key present in binaryData'));
  errs.push(...validateDataKeys(binary, 'binaryData'));
  const size = Object.values(data).reduce((n, v) => n + Buffer.byteLength(String(v)), 0) + Object.values(binary).reduce((n, v) => n + decodedSize(v), 0);
  // Upstream reports the size against the whole object (an empty field path).
  if (size > maxDataSize) errs.push(tooLong('', maxDataSize));
  return errs;
}
