// Tables (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`): what `kubectl get` prints,
// with the columns each kind declares.

import type { Column, KindDeclaration, KubeObject } from '../api/kind.ts';
import { ageOf } from '../api/age.ts';

const nameColumn: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata?.name };
const ageColumn: Column = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: ageOf };

export function columnsOf(decl: KindDeclaration): Column[] {
  const declared = decl.columns ?? [];
  if (declared.some((c) => c.format === 'name')) return declared;
  const hasAge = declared.some((c) => c.name === 'Age' || c.name === 'Created At');
  return [nameColumn, ...declared, ...(hasAge ? [] : [ageColumn])];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function toTable(decl: KindDeclaration, objects: KubeObject[], includeObject: IncludeObject, listMeta: Record<string, unknown>, withColumns = true): object {
  const columns = columnsOf(decl);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    ...(withColumns ? { columnDefinitions: columns.map(({ cell: _cell, ...c }) => ({ priority: 0, description: '', format: '', ...c })) } : {}),
    rows: objects.map((obj) => ({ cells: columns.map((c) => cellOf(c, obj)), object: rowObject(obj, includeObject) })),
  };
}

function cellOf(column: Column, obj: KubeObject): unknown {
  try {
    return column.cell(obj) ?? (column.type === 'integer' || column.type === 'number' ? 0 : '<none>');
  } catch {
    return '<unknown>';
  }
}

function rowObject(obj: KubeObject, includeObject: IncludeObject): unknown {
  if (includeObject === 'None') return undefined;
  if (includeObject === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** Parses an Accept header: is a Table wanted? */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}
