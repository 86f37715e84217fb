// Messages whose JSON is not an object of their fields: the Go types behind them have their own
// MarshalJSON. Each form takes the decoded fields and returns the value Go would print.

type Fields = Record<string, unknown>;

export const jsonForms: Readonly<Record<string, (fields: Fields) => unknown>> = {
  // Empty bytes are the zero Time, which prints as null; the wire's nanos are dropped on decode.
  'meta/v1.Time': (f) => (isEmpty(f) ? null : rfc3339((f.seconds as number | undefined) ?? 0, '')),
  'meta/v1.MicroTime': (f) => {
    if (isEmpty(f)) return null;
    const micros = ((f.seconds as number | undefined) ?? 0) * 1e6 + Math.trunc(((f.nanos as number | undefined) ?? 0) / 1000);
    const seconds = Math.floor(micros / 1e6);
    return rfc3339(seconds, '.' + String(micros - seconds * 1e6).padStart(6, '0'));
  },
  'intstr.IntOrString': (f) => {
    const type = f.type ?? 0;
    if (type === 0) return f.intVal ?? 0;
    if (type === 1) return f.strVal ?? '';
    throw new Error(`IntOrString has impossible type ${String(type)}`);
  },
  'resource.Quantity': (f) => f.string ?? '0',
  'runtime.RawExtension': (f) => embeddedJson(f.raw, 'RawExtension'),
  'meta/v1.FieldsV1': (f) => embeddedJson(f.Raw, 'FieldsV1'),
  // Named []string types that protobuf can only carry wrapped in a message.
  'authentication/v1.ExtraValue': stringList,
  'authorization/v1.ExtraValue': stringList,
  'certificates/v1.ExtraValue': stringList,
};

function isEmpty(fields: Fields): boolean {
  for (const _ in fields) return false;
  return true;
}

/** RFC 3339 in UTC, as Go's time.Time prints in JSON. */
function rfc3339(seconds: number, fraction: string): string {
  const date = new Date(seconds * 1000);
  const year = date.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) throw new Error(`time ${seconds}s is outside the years 0-9999`);
  return date.toISOString().slice(0, 19) + fraction + 'Z';
}

function embeddedJson(base64: unknown, type: string): unknown {
  if (typeof base64 !== 'string' || base64 === '') return null;
  const text = Buffer.from(base64, 'base64').toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${type} does not hold JSON`);
  }
}

function stringList(fields: Fields): unknown {
  return fields.items ?? [];
}
