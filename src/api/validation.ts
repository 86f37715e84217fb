// Shared validators with kube-apiserver's wording: field errors, DNS names, qualified names,
// labels, annotations, label selectors, ports, and the metadata every object carries.
// Messages follow apimachinery's util/validation and util/validation/field, so what
// `kubectl apply` prints for a bad object reads the same as against a real cluster.

import { isIP } from 'node:net';
import type { FieldError } from '../apiserver/errors.ts';
import type { ObjectMeta } from './kind.ts';

/** Validates a name-like string found at `field`. */
export type NameValidator = (value: string, field: string) => FieldError[];

// ---- Field errors, worded as upstream's field.ErrorBody ----

export function required(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, message: withDetail('Required value', detail) };
}

export function invalidValue(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: withDetail(`Invalid value: ${goValue(value)}`, detail) };
}

/** An invalid value whose value is not printed (upstream's field.OmitValueType). */
export function invalidDetail(field: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: withDetail('Invalid value', detail) };
}

export function unsupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  const detail = supported.length ? `supported values: ${supported.map(goQuote).join(', ')}` : '';
  return { type: 'FieldValueNotSupported', field, message: withDetail(`Unsupported value: ${goValue(value)}`, detail) };
}

/** `field is immutable`; upstream prints the new value, so pass it when there is one. */
export function immutable(field: string, value?: unknown): FieldError {
  return value === undefined ? invalidDetail(field, fieldImmutable) : invalidValue(field, value, fieldImmutable);
}

export function duplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, message: `Duplicate value: ${goValue(value)}` };
}

export function notFound(field: string, value: unknown): FieldError {
  return { type: 'FieldValueNotFound', field, message: `Not found: ${goValue(value)}` };
}

export function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, message: withDetail('Forbidden', detail) };
}

export function tooLong(field: string, maxBytes: number): FieldError {
  return { type: 'FieldValueTooLong', field, message: `Too long: may not be more than ${maxBytes} bytes` };
}

export function tooMany(field: string, actual: number, max: number): FieldError {
  return { type: 'FieldValueTooMany', field, message: `Too many: ${actual}: must have at most ${max} items` };
}

export const fieldImmutable = 'field is immutable';
export const isNegative = 'must be greater than or equal to 0';

function withDetail(head: string, detail: string): string {
  return detail ? `${head}: ${detail}` : head;
}

/**
 * A value as Go's fmt prints it in field errors: strings %q, numbers and booleans bare,
 * nil as null, string maps and slices in %#v form. Other structures print as JSON, since
 * Go's struct dump names Go types we do not have.
 */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return `[]string{${value.map(goQuote).join(', ')}}`;
  if (isStringMap(value)) {
    const entries = Object.keys(value).sort().map((k) => `${goQuote(k)}:${goQuote(value[k])}`);
    return `map[string]string{${entries.join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** Go's strconv.Quote for the common cases (JSON escaping, with Go's spelling of control bytes). */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-7][0-9a-f])/g, (_, hex: string) => goEscapes[hex] ?? `\\x${hex}`);
}
const goEscapes: Record<string, string> = { '07': '\\a', '0b': '\\v', '7f': '\\x7f' };

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

// ---- Name formats: message lists as upstream's util/validation Is* functions ----

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelValueFmt = `(${qualifiedNameFmt})?`;
const configMapKeyFmt = '[-._a-zA-Z0-9]+';

const anchored = (fmt: string) => new RegExp(`^${fmt}$`);
const dns1123LabelRe = anchored(dns1123LabelFmt);
const dns1123SubdomainRe = anchored(dns1123SubdomainFmt);
const dns1035LabelRe = anchored(dns1035LabelFmt);
const qualifiedNameRe = anchored(qualifiedNameFmt);
const labelValueRe = anchored(labelValueFmt);
const configMapKeyRe = anchored(configMapKeyFmt);

const qualifiedNameMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** Upstream's RegexError: the rule, examples, then the regex. */
export function regexError(message: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${message} (regex used for validation is '${fmt}')`;
  return `${message} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

export const maxLenError = (length: number) => `must be no more than ${length} characters`;
export const inclusiveRangeError = (lo: number, hi: number) => `must be between ${lo} and ${hi}, inclusive`;
const emptyError = 'must be non-empty';

// Lengths are in bytes upstream (Go's len); names are ASCII when valid, so UTF-16 length
// only differs for values that fail the regex anyway.
export function dns1123LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLenError(63));
  if (!dns1123LabelRe.test(value)) {
    errs.push(
      dns1123SubdomainRe.test(value)
        ? 'must not contain dots'
        : regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", dns1123LabelFmt, 'my-name', '123-abc'),
    );
  }
  return errs;
}

export function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push(maxLenError(253));
  if (!dns1123SubdomainRe.test(value)) {
    errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", dns1123SubdomainFmt, 'example.com'));
  }
  return errs;
}

export function dns1035LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLenError(63));
  if (!dns1035LabelRe.test(value)) {
    errs.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", dns1035LabelFmt, 'my-name', 'abc-123'));
  }
  return errs;
}

/** A qualified name: `name` or `dns-subdomain-prefix/name` (label keys, annotation keys, finalizers). */
export function qualifiedNameErrors(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  if (parts.length > 2) {
    return [`a qualified name ${regexError(qualifiedNameMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const name = parts.length === 2 ? parts[1] : parts[0];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0) errs.push(`prefix part ${emptyError}`);
    else errs.push(...dns1123SubdomainErrors(prefix).map((m) => `prefix part ${m}`));
  }
  if (name.length === 0) errs.push(`name part ${emptyError}`);
  else if (name.length > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!qualifiedNameRe.test(name)) errs.push(`name part ${regexError(qualifiedNameMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLenError(63));
  if (!labelValueRe.test(value)) {
    errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", labelValueFmt, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

export function configMapKeyErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push(maxLenError(253));
  if (!configMapKeyRe.test(value)) errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", configMapKeyFmt, 'key.name', 'KEY_NAME', 'key-name'));
  errs.push(...chDirPrefixErrors(value));
  return errs;
}

/** v1.32 enables RelaxedEnvironmentVariableValidation (beta): any printable ASCII but '='. */
export function relaxedEnvVarNameErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push(`environment variable name ${emptyError}`);
  if (/[^\x20-\x3c\x3e-\x7e]/.test(value)) errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
  return errs;
}

export function portNameErrors(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.startsWith('-') || port.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

function chDirPrefixErrors(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

/** Turns a message list into Invalid errors at one field, showing `value`. */
export function invalidEach(field: string, value: unknown, messages: string[]): FieldError[] {
  return messages.map((m) => invalidValue(field, value, m));
}

const fieldValidator =
  (messages: (value: string) => string[]): NameValidator =>
  (value, field) =>
    invalidEach(field, value, messages(value));

/** A lowercase RFC 1123 label (namespaces, container and volume names): at most 63 characters. */
export const dns1123Label: NameValidator = fieldValidator(dns1123LabelErrors);
/** A lowercase RFC 1123 subdomain (most object names): at most 253 characters. */
export const dns1123Subdomain: NameValidator = fieldValidator(dns1123SubdomainErrors);
/** A DNS-1035 label (Service names): starts with a letter. */
export const dns1035Label: NameValidator = fieldValidator(dns1035LabelErrors);
export const qualifiedName: NameValidator = fieldValidator(qualifiedNameErrors);
export const portName: NameValidator = fieldValidator(portNameErrors);
/** Any name: kinds whose names upstream does not restrict beyond the path rules. */
export const pathSegmentName: NameValidator = fieldValidator(pathSegmentNameErrors);

/** Upstream's path.IsValidPathSegmentName: what every name must satisfy to be a URL segment. */
export function pathSegmentNameErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

// ---- Numbers and ports ----

export function validateNonnegative(value: number | undefined, field: string): FieldError[] {
  return value !== undefined && value < 0 ? [invalidValue(field, value, isNegative)] : [];
}

/** A port number: 1-65535. */
export function validatePortNumber(port: number, field: string): FieldError[] {
  return port >= 1 && port <= 65535 ? [] : [invalidValue(field, port, inclusiveRangeError(1, 65535))];
}

export const protocols = ['SCTP', 'TCP', 'UDP'] as const;

/** A port protocol: required, then one of SCTP/TCP/UDP. */
export function validateProtocol(protocol: string | undefined, field: string): FieldError[] {
  if (!protocol) return [required(field, '')];
  return (protocols as readonly string[]).includes(protocol) ? [] : [unsupported(field, protocol, protocols)];
}

/** An IPv4 or IPv6 address. */
export function validateIP(value: string, field: string): FieldError[] {
  return isIP(value) ? [] : [invalidValue(field, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
}

/**
 * An address an endpoint may use: valid, and not unspecified, loopback or link-local (those
 * mean something else on every node).
 */
export function validateNonSpecialIP(value: string, field: string): FieldError[] {
  const family = isIP(value);
  if (family === 0) return [invalidValue(field, value, 'must be a valid IP address')];
  const v4 = family === 4 ? value.split('.').map(Number) : undefined;
  const v6 = family === 6 ? value.toLowerCase() : '';
  const errs: FieldError[] = [];
  if (v4 ? v4.every((b) => b === 0) : /^[0:]+$/.test(v6)) errs.push(invalidValue(field, value, `may not be unspecified (${value})`));
  if (v4 ? v4[0] === 127 : /^[0:]+1$/.test(v6)) errs.push(invalidValue(field, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (v4 ? v4[0] === 169 && v4[1] === 254 : /^fe[89ab]/.test(v6)) errs.push(invalidValue(field, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : /^ff02:/.test(v6)) {
    errs.push(invalidValue(field, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}

/** A CIDR such as 10.9.8.0/24 or 2001:db8::/64. */
export function validateCIDR(value: string, field: string): FieldError[] {
  const [ip, bits, extra] = value.split('/');
  const family = isIP(ip ?? '');
  const max = family === 4 ? 32 : 128;
  const ok = family !== 0 && extra === undefined && /^\d{1,3}$/.test(bits ?? '') && Number(bits) <= max;
  return ok ? [] : [invalidValue(field, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

// ---- Labels, annotations, selectors ----

export function validateLabels(labels: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    errs.push(...invalidEach(field, key, qualifiedNameErrors(key)));
    errs.push(...invalidEach(field, value, labelValueErrors(String(value))));
  }
  return errs;
}

const totalAnnotationSizeLimit = 256 * 1024;

/** Annotation keys are qualified names (checked lowercased); keys plus values total at most 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    errs.push(...invalidEach(field, key, qualifiedNameErrors(key.toLowerCase())));
    size += byteLength(key) + byteLength(String(value));
  }
  if (size > totalAnnotationSizeLimit) errs.push(tooLong(field, totalAnnotationSizeLimit));
  return errs;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function validateLabelSelector(selector: LabelSelector | undefined, field: string): FieldError[] {
  if (!selector) return [];
  const errs = validateLabels(selector.matchLabels, `${field}.matchLabels`);
  (selector.matchExpressions ?? []).forEach((expr, i) => {
    const at = `${field}.matchExpressions[${i}]`;
    const values = expr.values ?? [];
    if (expr.operator === 'In' || expr.operator === 'NotIn') {
      if (values.length === 0) errs.push(required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (expr.operator === 'Exists' || expr.operator === 'DoesNotExist') {
      if (values.length > 0) errs.push(forbidden(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(invalidValue(`${at}.operator`, expr.operator, 'not a valid selector operator'));
    }
    errs.push(...invalidEach(`${at}.key`, expr.key, qualifiedNameErrors(expr.key ?? '')));
    values.forEach((v, j) => errs.push(...invalidEach(`${at}.values[${j}]`, v, labelValueErrors(v))));
  });
  return errs;
}

/** True if the selector selects these labels (matchLabels and matchExpressions both hold). */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const have = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (have[k] !== v) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(have, key);
    if (operator === 'In' && !(present && values.includes(have[key]))) return false;
    if (operator === 'NotIn' && present && values.includes(have[key])) return false;
    if (operator === 'Exists' && !present) return false;
    if (operator === 'DoesNotExist' && present) return false;
  }
  return true;
}

// ---- ObjectMeta ----

export interface ObjectMetaOptions {
  namespaced: boolean;
  /** How this kind's names are checked; a DNS-1123 subdomain unless the kind says otherwise. */
  nameValidator?: NameValidator;
}

/** Upstream's ValidateObjectMeta: names, namespace, labels, annotations, owners, finalizers. */
export function validateObjectMeta(meta: ObjectMeta | undefined, { namespaced, nameValidator = dns1123Subdomain }: ObjectMetaOptions): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) errs.push(...validateGenerateName(m.generateName, nameValidator));
  if (!m.name) errs.push(required('metadata.name', 'name or generateName is required'));
  else errs.push(...nameValidator(m.name, 'metadata.name'));
  if (namespaced) {
    if (!m.namespace) errs.push(required('metadata.namespace', ''));
    else errs.push(...dns1123Label(m.namespace, 'metadata.namespace'));
  } else if (m.namespace) {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  errs.push(...validateNonnegative(m.generation, 'metadata.generation'));
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(m.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(m.finalizers, 'metadata.finalizers'));
  return errs;
}

/**
 * Upstream's ValidateObjectMetaUpdate, less the resourceVersion check (the apiserver fills
 * in the current resourceVersion for unconditional updates before validating).
 */
export function validateObjectMetaUpdate(meta: ObjectMeta | undefined, old: ObjectMeta | undefined): FieldError[] {
  const m = meta ?? {};
  const o = old ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const added = (m.finalizers ?? []).filter((f) => !(o.finalizers ?? []).includes(f));
    if (added.length) errs.push(forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers ${goValue([...new Set(added)].sort())}`));
  }
  if ((m.generation ?? 0) < (o.generation ?? 0)) errs.push(invalidValue('metadata.generation', m.generation ?? 0, 'must not be decremented'));
  for (const key of ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
    if ((m[key] ?? undefined) !== (o[key] ?? undefined)) errs.push(immutable(`metadata.${key}`, m[key] ?? ''));
  }
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(m.ownerReferences, 'metadata.ownerReferences'));
  return errs;
}

// generateName is a prefix: a trailing '-' is fine, so upstream masks the last two
// characters into one letter before checking, and reports the original value.
function validateGenerateName(prefix: string, nameValidator: NameValidator): FieldError[] {
  const masked = prefix.length > 1 && prefix.endsWith('-') ? `${prefix.slice(0, -2)}a` : prefix;
  const shown = `Invalid value: ${goValue(masked)}`;
  return nameValidator(masked, 'metadata.generateName').map((e) =>
    e.message.startsWith(shown) ? { ...e, message: `Invalid value: ${goValue(prefix)}${e.message.slice(shown.length)}` } : e,
  );
}

function validateOwnerReferences(refs: ObjectMeta['ownerReferences'], field: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    const version = (ref.apiVersion ?? '').split('/').pop() ?? '';
    if (!version) errs.push(invalidValue(`${field}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(invalidValue(`${field}.kind`, ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(invalidValue(`${field}.name`, ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(invalidValue(`${field}.uid`, ref.uid ?? '', 'uid must not be empty'));
    if (ref.apiVersion === 'v1' && ref.kind === 'Event') errs.push(invalidValue(field, ref, '/v1, Kind=Event is disallowed from being an owner'));
    if (ref.controller) {
      const name = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(invalidValue(field, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`));
      } else firstController = name;
    }
  }
  return errs;
}

function validateFinalizers(finalizers: string[] | undefined, field: string): FieldError[] {
  const list = finalizers ?? [];
  const errs = list.flatMap((f) => invalidEach(field, f, qualifiedNameErrors(f)));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(invalidValue(field, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
