// The compact form of Kubernetes' protobuf schema that the decoder walks: for each message,
// field number -> how it sits on the wire and how the same Go type prints it as JSON.

/** A scalar on the wire. int64 prints as a JSON number, bytes as base64. */
export type Scalar = 'string' | 'int32' | 'int64' | 'bool' | 'bytes' | 'double';

/** What a field holds. `message:<Type>` names another message, e.g. `message:core/v1.PodSpec`. */
export type FieldKind =
  | Scalar
  | `message:${string}`
  | 'map<string,string>'
  | 'map<string,bytes>'
  | `map<string,message:${string}>`;

/**
 * - repeated: a JSON array, one element per occurrence (packed or not); absent when empty.
 * - omitempty: a Go value field (not a pointer) tagged omitempty. gogo writes such fields even
 *   when zero, but JSON leaves the zero value out. Untagged scalars (pointers, or fields without
 *   omitempty) print whatever the wire holds.
 * - inline: an embedded Go struct (`json:",inline"`) whose fields print in the parent's object.
 */
export type FieldFlag = 'repeated' | 'omitempty' | 'inline';

/** [JSON name ('' when inline), kind, flag]. */
export type Field = readonly [json: string, kind: FieldKind, flag?: FieldFlag];

/** A message: field number -> field. */
export type Message = Readonly<Record<number, Field>>;

/** One API group version: its messages, and which of them are kinds a request body may carry. */
export interface GroupVersionTable {
  apiVersion: string;
  /** How its message names begin, e.g. `rbac/v1` for rbac.authorization.k8s.io/v1. */
  prefix: string;
  kinds: readonly string[];
  messages: Readonly<Record<string, Message>>;
}
