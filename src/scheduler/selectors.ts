// Label selectors and node selectors compiled once per pod into matchers, since the
// scheduler evaluates them against thousands of nodes and pods per attempt.

import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { NodeSelectorRequirement, NodeSelectorTerm } from 'kubernetes-types/core/v1.js';

export type Labels = Record<string, string> | undefined;

export interface Selector {
  matches(labels: Labels): boolean;
  /** True when the selector has no requirements (it selects everything). */
  readonly empty: boolean;
}

interface Requirement {
  key: string;
  operator: string;
  values: string[];
}

const selectNothing: Selector = { matches: () => false, empty: false };

/** As upstream's LabelSelectorAsSelector: a missing selector selects nothing, an empty one everything. */
export function labelSelector(selector: LabelSelector | null | undefined): Selector {
  if (!selector) return selectNothing;
  const reqs: Requirement[] = [];
  for (const key in selector.matchLabels) reqs.push({ key, operator: 'In', values: [selector.matchLabels[key]] });
  for (const e of selector.matchExpressions ?? []) reqs.push({ key: e.key, operator: e.operator, values: e.values ?? [] });
  return requirementsSelector(reqs);
}

/** A selector for exactly these labels (as labels.SelectorFromSet). */
export function setSelector(set: Record<string, string>): Selector {
  return requirementsSelector(Object.entries(set).map(([key, value]) => ({ key, operator: 'In', values: [value] })));
}

/** Both selectors' requirements. */
export function andSelectors(a: Selector, b: Selector): Selector {
  if (a === selectNothing || b === selectNothing) return selectNothing;
  return { matches: (labels) => a.matches(labels) && b.matches(labels), empty: a.empty && b.empty };
}

function requirementsSelector(reqs: Requirement[]): Selector {
  if (reqs.length === 0) return { matches: () => true, empty: true };
  return {
    empty: false,
    matches(labels) {
      for (let i = 0; i < reqs.length; i++) if (!labelRequirementHolds(reqs[i], labels)) return false;
      return true;
    },
  };
}

function labelRequirementHolds(r: Requirement, labels: Labels): boolean {
  const value = labels?.[r.key];
  switch (r.operator) {
    case 'In':
      return value !== undefined && r.values.includes(value);
    case 'NotIn':
      return value === undefined || !r.values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default:
      return false;
  }
}

/** Matches a node by name and labels. */
export type NodeMatcher = (name: string, labels: Labels) => boolean;

/**
 * A NodeSelector's terms, ORed (upstream's nodeaffinity.NodeSelector). A term without
 * requirements, or with an invalid one, matches no node.
 */
export function nodeSelectorTerms(terms: NodeSelectorTerm[]): NodeMatcher {
  const compiled = terms.map(nodeSelectorTerm).filter((t): t is NodeMatcher => t !== undefined);
  return (name, labels) => {
    for (let i = 0; i < compiled.length; i++) if (compiled[i](name, labels)) return true;
    return false;
  };
}

/** One term's requirements, ANDed; undefined when the term can match nothing. */
export function nodeSelectorTerm(term: NodeSelectorTerm): NodeMatcher | undefined {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return undefined;
  if (!exprs.every(validExpression) || !fields.every(validField)) return undefined;
  return (name, labels) => {
    for (let i = 0; i < exprs.length; i++) if (!nodeRequirementHolds(exprs[i], labels?.[exprs[i].key])) return false;
    for (let i = 0; i < fields.length; i++) if (!nodeRequirementHolds(fields[i], name)) return false;
    return true;
  };
}

function validExpression(r: NodeSelectorRequirement): boolean {
  const n = r.values?.length ?? 0;
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      return n > 0;
    case 'Exists':
    case 'DoesNotExist':
      return n === 0;
    case 'Gt':
    case 'Lt':
      return n === 1 && integerRe.test(r.values![0]);
    default:
      return false;
  }
}

function validField(r: NodeSelectorRequirement): boolean {
  return r.key === 'metadata.name' && (r.operator === 'In' || r.operator === 'NotIn') && r.values?.length === 1;
}

const integerRe = /^[+-]?\d+$/;

function nodeRequirementHolds(r: NodeSelectorRequirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In':
      return value !== undefined && r.values!.includes(value);
    case 'NotIn':
      return value === undefined || !r.values!.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || !integerRe.test(value)) return false;
      const have = Number(value);
      const want = Number(r.values![0]);
      return r.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}
