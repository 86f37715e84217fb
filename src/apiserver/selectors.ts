// Label selectors (equality and set-based) and field selectors, parsed once per request into
// predicates over objects.

import { badRequest } from './errors.ts';

export type Predicate = (obj: any) => boolean;

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!' };

/** Parses `app=web,tier!=db,env in (a,b),!legacy,release` (the labels.Parse grammar). */
export function parseLabelSelector(text: string): Predicate {
  const requirements = parseRequirements(text);
  if (requirements.length === 0) return () => true;
  return (obj) => {
    const labels: Record<string, string> = obj?.metadata?.labels ?? {};
    return requirements.every((r) => matchesRequirement(r, labels));
  };
}

function matchesRequirement(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.op) {
    case 'exists': return has;
    case '!': return !has;
    case 'in': return has && r.values.includes(labels[r.key]);
    case 'notin': return !has || !r.values.includes(labels[r.key]);
  }
}

function parseRequirements(text: string): Requirement[] {
  const out: Requirement[] = [];
  let i = 0;
  const s = text.trim();
  const fail = (why: string): never => { throw badRequest(`unable to parse requirement: ${why}`); };
  const skipSpace = () => { while (s[i] === ' ') i++; };
  const readToken = () => {
    skipSpace();
    const start = i;
    while (i < s.length && !' ,=!()'.includes(s[i])) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skipSpace();
    if (s[i] === '!') {
      i++;
      const key = readToken();
      if (!key) fail(`found '${s}', expected: identifier after '!'`);
      out.push({ key: checkKey(key), op: '!' });
    } else {
      const key = checkKey(readToken());
      skipSpace();
      if (i >= s.length || s[i] === ',') out.push({ key, op: 'exists' });
      else if (s.startsWith('==', i) || s[i] === '=') {
        i += s.startsWith('==', i) ? 2 : 1;
        out.push({ key, op: 'in', values: [checkValue(readToken())] });
      } else if (s.startsWith('!=', i)) {
        i += 2;
        out.push({ key, op: 'notin', values: [checkValue(readToken())] });
      } else {
        const word = readToken();
        if (word !== 'in' && word !== 'notin') fail(`found '${word}', expected: in, notin, =, ==, !=`);
        skipSpace();
        if (s[i] !== '(') fail(`found '${s.slice(i)}', expected: '('`);
        const close = s.indexOf(')', i);
        if (close < 0) fail(`found '${s.slice(i)}', expected: ')'`);
        const values = s.slice(i + 1, close).split(',').map((v) => checkValue(v.trim()));
        i = close + 1;
        out.push({ key, op: word as 'in' | 'notin', values });
      }
    }
    skipSpace();
    if (i < s.length) {
      if (s[i] !== ',') fail(`found '${s.slice(i)}', expected: ','`);
      i++;
    }
  }
  return out;
}

const keyPattern = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string): string {
  if (!keyPattern.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
  return key;
}

function checkValue(value: string): string {
  if (value.length > 63 || !valuePattern.test(value)) throw badRequest(`unable to parse requirement: invalid label value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
  return value;
}

/** Field getters for one kind: metadata.name and metadata.namespace always work. */
export type FieldGetters = Record<string, (obj: any) => string | undefined>;

const genericFields: FieldGetters = {
  'metadata.name': (o) => o?.metadata?.name,
  'metadata.namespace': (o) => o?.metadata?.namespace,
};

/**
 * Parses `status.phase=Running,spec.nodeName!=` against the fields this kind supports (its
 * own, if it declares any, besides metadata.name and metadata.namespace).
 */
export function parseFieldSelector(text: string, fields?: FieldGetters): Predicate {
  const terms = text.split(',').map((t) => t.trim()).filter(Boolean);
  if (terms.length === 0) return () => true;
  const tests = terms.map((term) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const [, field, op, value] = m;
    const get = genericFields[field] ?? fields?.[field];
    // Upstream words it as the kind's field label conversion does, or the default one.
    if (!get) throw badRequest(fields ? `field label not supported: ${field}` : `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    const want = unescapeFieldValue(value);
    return op === '!=' ? (o: any) => (get(o) ?? '') !== want : (o: any) => (get(o) ?? '') === want;
  });
  return (obj) => tests.every((t) => t(obj));
}

function unescapeFieldValue(v: string): string {
  return v.replace(/\\([\\,=])/g, '$1');
}
