// The JSONPath subset CRD printer columns use: `.spec.replicas`, `.items[0].name`,
// `.status.conditions[?(@.type=="Ready")].status`. The first match is the value.

type Step = { field: string } | { index: number } | { filter: { path: string[]; value: string } };

export function compileJsonPath(path: string): (obj: unknown) => unknown {
  const steps = parse(path.replace(/^\{|\}$/g, '').trim());
  return (obj) => {
    let values: unknown[] = [obj];
    for (const step of steps) {
      const next: unknown[] = [];
      for (const v of values) {
        if (v === null || typeof v !== 'object') continue;
        if ('field' in step) {
          const child = (v as Record<string, unknown>)[step.field];
          if (child !== undefined) next.push(child);
        } else if ('index' in step) {
          if (Array.isArray(v)) {
            const child = v[step.index < 0 ? v.length + step.index : step.index];
            if (child !== undefined) next.push(child);
          }
        } else if (Array.isArray(v)) {
          for (const item of v) if (String(dig(item, step.filter.path)) === step.filter.value) next.push(item);
        }
      }
      values = next;
    }
    return values[0];
  };
}

function dig(obj: unknown, path: string[]): unknown {
  let v = obj;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function parse(path: string): Step[] {
  const steps: Step[] = [];
  const re = /\.([^.[\]]+)|\[(-?\d+)\]|\[\?\(@\.([^=!<>]+?)\s*==\s*["']?([^"')]*)["']?\)\]|\['([^']+)'\]/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(path))) {
    if (m.index !== consumed) throw new Error(`unsupported JSONPath ${path}`);
    consumed = re.lastIndex;
    if (m[1] !== undefined) steps.push({ field: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) steps.push({ filter: { path: m[3].split('.'), value: m[4] } });
    else steps.push({ field: m[5] });
  }
  if (consumed !== path.length) throw new Error(`unsupported JSONPath ${path}`);
  return steps;
}
