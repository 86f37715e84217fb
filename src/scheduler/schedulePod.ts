// One scheduling attempt, as upstream's schedulePod: PreFilter, then Filter over the nodes
// starting where the last attempt stopped and only until enough feasible nodes are found
// (percentageOfNodesToScore), then PreScore/Score/Normalize weighted and summed, and the
// best node chosen with ties broken uniformly at random.

import type { CycleContext, FilterPlugin, Rejection, ScorePlugin } from './framework.ts';
import { Diagnosis, fitErrorMessage } from './fitError.ts';
import type { NodeInfo } from './nodeInfo.ts';

export interface Profile {
  filters: FilterPlugin[];
  scores: ScorePlugin[];
}

export type ScheduleResult =
  | { nodeName: string; evaluatedNodes: number; feasibleNodes: number }
  | { failure: string; /** Plugins that rejected nodes; empty when no plugin did (no nodes at all). */ rejectors: Set<string> };

export interface AlgorithmOptions {
  /** 1-100; 0 or undefined: adaptive, as upstream (50% - nodes/125, at least 5%). */
  percentageOfNodesToScore?: number;
  /** [0, 1); for tie-breaking. */
  random?: () => number;
}

const minFeasibleNodesToFind = 100;
const minFeasibleNodesPercentageToFind = 5;
const noNodesAvailable = 'no nodes available to schedule pods';

/** How many feasible nodes to look for among numAllNodes (upstream's numFeasibleNodesToFind). */
export function numFeasibleNodesToFind(numAllNodes: number, percentageOfNodesToScore = 0): number {
  if (numAllNodes < minFeasibleNodesToFind) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (percentage <= 0) percentage = Math.max(minFeasibleNodesPercentageToFind, 50 - Math.trunc(numAllNodes / 125));
  if (percentage >= 100) return numAllNodes;
  return Math.max(minFeasibleNodesToFind, Math.trunc((numAllNodes * percentage) / 100));
}

export class Algorithm {
  readonly #profile: Profile;
  readonly #percentage: number;
  readonly #random: () => number;
  /** Where the next attempt starts filtering, so successive pods look at different nodes. */
  #nextStartNodeIndex = 0;
  #pluginScores = new Float64Array(0);
  #totals = new Float64Array(0);

  constructor(profile: Profile, options: AlgorithmOptions = {}) {
    this.#profile = profile;
    this.#percentage = options.percentageOfNodesToScore ?? 0;
    this.#random = options.random ?? Math.random;
  }

  schedule(ctx: CycleContext): ScheduleResult {
    const allNodes = ctx.cache.nodeList();
    if (allNodes.length === 0) return { failure: noNodesAvailable, rejectors: new Set() };
    const diagnosis = new Diagnosis();
    const fail = (): ScheduleResult => ({ failure: fitErrorMessage(allNodes.length, diagnosis, ctx.pod), rejectors: diagnosis.rejectors });

    const { filters, states, nodeNames, rejection, namedBy } = this.#preFilter(ctx);
    if (rejection) {
      diagnosis.recordPreFilter(rejection, allNodes.length);
      return fail();
    }
    let candidates = allNodes;
    if (nodeNames) {
      candidates = [];
      for (const name of nodeNames) {
        const node = ctx.cache.node(name);
        if (node) candidates.push(node);
      }
      const absent: Rejection = { plugin: namedBy[0], code: 'UnschedulableAndUnresolvable', reasons: [`node(s) didn't satisfy plugin(s) [${namedBy.join(' ')}]`] };
      if (allNodes.length > candidates.length) diagnosis.record(absent, allNodes.length - candidates.length);
      for (const plugin of namedBy) diagnosis.rejectors.add(plugin);
    }

    const feasible = this.#filter(ctx, candidates, filters, states, diagnosis);
    if (feasible.length === 0) return fail();
    const evaluatedNodes = feasible.length + diagnosis.unresolvable + diagnosis.unschedulable;
    if (feasible.length === 1) return { nodeName: feasible[0].name, evaluatedNodes, feasibleNodes: 1 };
    return { nodeName: this.#selectHost(this.#score(ctx, feasible), feasible), evaluatedNodes, feasibleNodes: feasible.length };
  }

  #preFilter(ctx: CycleContext) {
    const filters: FilterPlugin[] = [];
    const states: unknown[] = [];
    let nodeNames: Set<string> | undefined;
    const namedBy: string[] = [];
    for (const plugin of this.#profile.filters) {
      if (!plugin.preFilter) {
        filters.push(plugin);
        states.push(undefined);
        continue;
      }
      const result = plugin.preFilter(ctx);
      if (result === 'skip') continue;
      if ('rejection' in result) return { filters, states, nodeNames, namedBy, rejection: result.rejection };
      filters.push(plugin);
      states.push(result.state);
      if (result.nodeNames) {
        nodeNames = nodeNames ? new Set([...nodeNames].filter((n) => result.nodeNames!.has(n))) : result.nodeNames;
        namedBy.push(plugin.name);
      }
    }
    return { filters, states, nodeNames, namedBy, rejection: undefined };
  }

  #filter(ctx: CycleContext, nodes: NodeInfo[], filters: FilterPlugin[], states: unknown[], diagnosis: Diagnosis): NodeInfo[] {
    const wanted = numFeasibleNodesToFind(nodes.length, this.#percentage);
    const feasible: NodeInfo[] = [];
    const start = this.#nextStartNodeIndex % nodes.length;
    const pod = ctx.pod;
    let processed = 0;
    while (processed < nodes.length && feasible.length < wanted) {
      const node = nodes[(start + processed) % nodes.length];
      processed++;
      let rejected: Rejection | undefined;
      for (let i = 0; i < filters.length && !rejected; i++) rejected = filters[i].filter(states[i], pod, node);
      if (rejected) diagnosis.record(rejected);
      else feasible.push(node);
    }
    this.#nextStartNodeIndex = (start + processed) % nodes.length;
    return feasible;
  }

  /** Each plugin's normalized scores times its weight, summed per node. */
  #score(ctx: CycleContext, nodes: NodeInfo[]): Float64Array {
    const n = nodes.length;
    if (this.#totals.length < n) {
      this.#totals = new Float64Array(n * 2);
      this.#pluginScores = new Float64Array(n * 2);
    }
    const totals = this.#totals.subarray(0, n);
    const scores = this.#pluginScores.subarray(0, n);
    totals.fill(0);
    for (const plugin of this.#profile.scores) {
      const state = plugin.preScore ? plugin.preScore(ctx, nodes) : undefined;
      if (plugin.preScore && state === undefined) continue;
      for (let i = 0; i < n; i++) scores[i] = plugin.score(state, ctx.pod, nodes[i]);
      plugin.normalize?.(state, scores, nodes);
      for (let i = 0; i < n; i++) totals[i] += scores[i] * plugin.weight;
    }
    return totals;
  }

  /** The highest total; among equals, each is chosen with equal probability (reservoir sampling). */
  #selectHost(totals: Float64Array, nodes: NodeInfo[]): string {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      if (totals[i] > totals[best]) {
        best = i;
        ties = 1;
      } else if (totals[i] === totals[best] && this.#random() * ++ties < 1) {
        best = i;
      }
    }
    return nodes[best].name;
  }
}
