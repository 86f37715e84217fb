// The taint eviction controller, as upstream's: pods on a node with NoExecute taints they do
// not tolerate are deleted at once; pods tolerating them for tolerationSeconds are deleted
// when that runs out (unless the taints go first); pods tolerating them for ever stay.
// Level-triggered: each pod on a tainted node is looked at whenever it or its node changes,
// and again at its deadline.

import { isDeepStrictEqual } from 'node:util';
import type { Controller, ControllerContext } from '../controller.ts';
import { indexes, keyOf, splitKey } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { createWorkQueue } from '../../client/workqueue.ts';
import { ApiError } from '../../apiserver/errors.ts';
import { rfc3339 } from '../nodeLifecycle/nodeHealth.ts';
import type { Node, Pod, Taint } from '../../api/objects.ts';
import { evictionDecision } from './evictionDecision.ts';

export const taintEvictionController: Controller = {
  name: 'taint-eviction-controller',
  start(ctx) {
    startTaintEviction(ctx);
  },
};

const workers = 8;

function startTaintEviction(ctx: ControllerContext): void {
  const nodes = ctx.informers.informer<Node>(types.nodes);
  const pods = ctx.informers.informer<Pod>(types.pods);
  const recorder = ctx.recorder('taint-eviction-controller');
  const queue = createWorkQueue({ name: 'taint_eviction' });
  /** Pods waiting out a toleration: their uid and when we first saw them tainted (for taints without timeAdded). */
  const waiting = new Map<string, { uid: string | undefined; noticedMs: number }>();

  const enqueueNode = (node: Node) => {
    for (const pod of pods.byIndex(indexes.nodeName, node.metadata!.name!)) queue.add(keyOf(pod));
  };
  nodes.addHandler({
    onAdd: (node) => {
      if (noExecuteTaints(node).length > 0) enqueueNode(node);
    },
    onUpdate: (old, node) => {
      if (!isDeepStrictEqual(noExecuteTaints(old), noExecuteTaints(node))) enqueueNode(node);
    },
    onDelete: enqueueNode,
  });
  pods.addHandler({
    onAdd: (pod) => {
      if (pod.spec?.nodeName) queue.add(keyOf(pod));
    },
    onUpdate: (old, pod) => {
      const changed = old.spec?.nodeName !== pod.spec?.nodeName || !isDeepStrictEqual(old.spec?.tolerations, pod.spec?.tolerations);
      if (changed && pod.spec?.nodeName) queue.add(keyOf(pod));
    },
    onDelete: (pod) => {
      waiting.delete(keyOf(pod));
    },
  });

  /** The pod no longer has to leave: say so if it was going to. */
  const cancel = (key: string, pod: Pod) => {
    if (!waiting.delete(key)) return;
    recorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  };

  const sync = async (key: string): Promise<void | { requeueAfterMs: number }> => {
    const { namespace, name } = splitKey(key);
    const pod = pods.get(namespace, name);
    if (!pod || pod.metadata?.deletionTimestamp) return void waiting.delete(key);
    const node = pod.spec?.nodeName ? nodes.get(undefined, pod.spec.nodeName) : undefined;
    if (!node) return cancel(key, pod);
    const now = Date.now();
    let state = waiting.get(key);
    if (state && state.uid !== pod.metadata?.uid) state = undefined; // a new pod of the same name
    const decision = evictionDecision(noExecuteTaints(node), pod.spec?.tolerations ?? [], state?.noticedMs ?? now, now);
    switch (decision.action) {
      case 'keep':
        return cancel(key, pod);
      case 'wait':
        waiting.set(key, { uid: pod.metadata?.uid, noticedMs: state?.noticedMs ?? now });
        return { requeueAfterMs: decision.untilMs - now };
      case 'evict':
        waiting.delete(key);
        recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
        await evict(ctx, pod);
    }
  };

  void queue.run(workers, sync);
  ctx.signal.addEventListener('abort', () => queue.shutDown(), { once: true });
}

/** As upstream: the DisruptionTarget condition says why, then the pod is deleted (gracefully). */
async function evict(ctx: ControllerContext, pod: Pod): Promise<void> {
  const { namespace, name, uid } = pod.metadata!;
  const marked = pod.status?.conditions?.some((c) => c.type === 'DisruptionTarget' && c.status === 'True');
  try {
    if (!marked) {
      const condition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: rfc3339(Date.now()) };
      await ctx.client.patch(types.pods, namespace, name!, 'strategic', { status: { conditions: [condition] } }, { subresource: 'status' });
    }
    await ctx.client.delete(types.pods, namespace, name!, { preconditions: { uid } });
  } catch (err) {
    // Gone already, or replaced by a new pod of the same name: nothing to evict.
    if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
  }
}

function noExecuteTaints(node: Node): Taint[] {
  return (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}
