// Values as Go's %#v prints them in field errors, for the API structs whose dump users see
// in messages (label selectors, int-or-string values): kubectl prints these verbatim, so
// `Invalid value: v1.LabelSelector{...}` reads as it does against a real cluster.

import type { FieldError } from '../../apiserver/errors.ts';
import { goQuote, goValue, type LabelSelector } from '../validation.ts';

/** An Invalid error whose value is already in Go syntax. */
export function invalidGo(field: string, goText: string, detail = ''): FieldError {
  return { type: 'FieldValueInvalid', field, message: detail ? `Invalid value: ${goText}: ${detail}` : `Invalid value: ${goText}` };
}

/** An Unsupported error whose value is already in Go syntax. */
export function unsupportedGo(field: string, goText: string, supported: readonly string[]): FieldError {
  return { type: 'FieldValueNotSupported', field, message: `Unsupported value: ${goText}: supported values: ${supported.map(goQuote).join(', ')}` };
}

/**
 * An update strategy struct (Deployment, DaemonSet, StatefulSet) as upstream dumps it; Go
 * prints the rollingUpdate pointer's address, for which any address stands.
 */
export function goStrategy(structName: string, type: string | undefined, rollingUpdateStruct: string, rollingUpdate: unknown): string {
  const pointer = rollingUpdate === undefined || rollingUpdate === null ? 'nil' : '0xc000a1b2c0';
  return `apps.${structName}{Type:${goQuote(type ?? '')}, RollingUpdate:(*apps.${rollingUpdateStruct})(${pointer})}`;
}

/** intstr.IntOrString: Type 0 holds an int, Type 1 a string. */
export function goIntOrString(value: number | string | undefined): string {
  return typeof value === 'string'
    ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(value)}}`
    : `intstr.IntOrString{Type:0, IntVal:${value ?? 0}, StrVal:""}`;
}

export function goLabelSelector(selector: LabelSelector | undefined): string {
  if (!selector) return 'null';
  const expressions = selector.matchExpressions
    ? `[]v1.LabelSelectorRequirement{${selector.matchExpressions
        .map((e) => `v1.LabelSelectorRequirement{Key:${goQuote(e.key ?? '')}, Operator:${goQuote(e.operator ?? '')}, Values:${e.values ? goValue(e.values) : '[]string(nil)'}}`)
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(selector.matchLabels)}, MatchExpressions:${expressions}}`;
}

/** A map[string]string, nil when absent. */
export function goStringMap(map: Record<string, string> | undefined): string {
  return map ? goValue(map) : 'map[string]string(nil)';
}
