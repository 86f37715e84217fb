// The schema of a kind at a served version: built-in kinds from the schema module, custom
// kinds from their CRD.

import type { KindDeclaration } from '../api/kind.ts';
import type { Schema } from '../api/schema/schema.ts';
import { loadBuiltinSchemas } from '../api/schema/builtinSchemas.ts';

export function schemaOf(decl: KindDeclaration, version: string): Schema | undefined {
  if (decl.schema) return decl.schema(version);
  return loadBuiltinSchemas().byKind({ group: decl.group, version, kind: decl.kind });
}
