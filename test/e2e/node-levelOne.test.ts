// Issue 4 acceptance 1, 2 and 8: `skiff server` with its built-in agent is a one-node cluster
// running real pods. The chapter's Level I for real: three replicas of a small HTTP server,
// each answering on its own pod IP; scale to five; a deleted pod replaced; `kubectl logs`,
// `exec` and `port-forward`; and once the server is stopped, nothing of it is left.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { kubectlBinary, run, SkiffServer, waitFor } from './harness.ts';
import { readFile } from 'node:fs/promises';
import { getJson, isReady } from './agents.ts';
import { assertNothingLeft, httpGet, portForward, waitForReadyPods } from './realPods.ts';

const examples = join(import.meta.dirname, '../../examples/level-1');
let server: SkiffServer;
const podUids = new Set<string>();
let podCIDR: string | undefined;

before(async () => {
  server = await SkiffServer.startWithAgent();
});

after(async () => {
  await server?.stop();
});

const remember = (pods: Pod[]) => pods.forEach((p) => podUids.add(p.metadata!.uid!));

test('a fresh server brings up a Ready node of its own', async () => {
  const node = await waitFor(async () => {
    const nodes = await getJson<{ items: Node[] }>(server, ['nodes']);
    return nodes.items.find((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  }, 20_000, 'a Ready node');
  podCIDR = node.spec?.podCIDR;
  assert.match(podCIDR ?? '', /^10\.42\.\d+\.0\/24$/, 'the server allocated the node a /24');
  const wide = await server.ok(['get', 'nodes', '-o', 'wide']);
  assert.match(wide, new RegExp(`${node.metadata!.name}\\s+Ready\\s+<none>\\s+\\S+\\s+v1\\.32\\.0-skiff\\s+\\d+\\.\\d+\\.\\d+\\.\\d+`));
});

test('Level I: three replicas, each answering on its own pod IP', async () => {
  await server.ok(['apply', '-f', examples]);
  const pods = await waitForReadyPods(server, 'app=hello', 3);
  remember(pods);
  const ips = new Set(pods.map((p) => p.status!.podIP!));
  assert.equal(ips.size, 3, 'three distinct pod IPs');
  for (const pod of pods) {
    assert.equal(await httpGet(pod.status!.podIP!, 8080), `hello from ${pod.metadata!.name}\n`);
  }
  assert.match(await server.ok(['get', 'pods', '-l', 'app=hello']), /hello-\S+\s+1\/1\s+Running\s+0\s/);
});

test('scaled to five, the new replicas start and answer', async () => {
  await server.ok(['scale', 'deployment/hello', '--replicas=5']);
  const pods = await waitForReadyPods(server, 'app=hello', 5);
  remember(pods);
  for (const pod of pods) assert.equal(await httpGet(pod.status!.podIP!, 8080), `hello from ${pod.metadata!.name}\n`);
});

test('a deleted pod is replaced by a new one that answers', async () => {
  const [victim] = await waitForReadyPods(server, 'app=hello', 5);
  await server.ok(['delete', 'pod', victim!.metadata!.name!, '--wait=false']);
  const pods = await waitFor(async () => {
    const ready = await waitForReadyPods(server, 'app=hello', 5);
    return ready.every((p) => p.metadata!.name !== victim!.metadata!.name) ? ready : undefined;
  }, 60_000, 'a Ready replacement');
  remember(pods);
  const replacement = pods.find((p) => !podUids.has(p.metadata!.uid!)) ?? pods.at(-1)!;
  assert.ok(isReady(replacement));
  assert.equal(await httpGet(replacement.status!.podIP!, 8080), `hello from ${replacement.metadata!.name}\n`);
});

test('kubectl logs, exec (-i, -it), cp and port-forward reach the pods', async () => {
  const [pod] = await waitForReadyPods(server, 'app=hello', 5);
  const name = pod!.metadata!.name!;
  assert.match(await server.ok(['logs', name]), new RegExp(`${name} listening on ${pod!.status!.podIP!.replaceAll('.', '\\.')}:8080`));
  assert.match(await server.ok(['logs', 'deployment/hello']), /hello-\S+ listening on /);

  assert.equal((await server.ok(['exec', name, '--', 'sh', '-c', 'echo "$POD_NAME"; hostname'])).trim(), `${name}\n${name}`);
  const failed = await server.kubectl(['exec', name, '--', 'sh', '-c', 'exit 3']);
  assert.equal(failed.code, 3, 'the exit code of the command is kubectl\'s');
  assert.equal((await server.ok(['exec', '-i', name, '--', 'cat'], { input: 'through stdin' })), 'through stdin');

  // -it: kubectl on a terminal (script's pty, sized 40x100) gives the pod a terminal of that
  // size. The size follows the command's start (as with upstream runtimes): wait for it there.
  const waitForSize = `tty >/dev/null && while [ "$(stty size)" = "0 0" ]; do sleep 0.05; done; stty size`;
  const tty = await run('script', ['-qec', `stty rows 40 cols 100; ${kubectlBinary} exec -it ${name} -- sh -c '${waitForSize}'`, '/dev/null'], { env: { KUBECONFIG: server.kubeconfig } });
  assert.equal(tty.code, 0, tty.stdout + tty.stderr);
  assert.match(tty.stdout, /40 100\r?$/m);

  // The process runtime's containers see the host's files: /usr/lib/os-release is the host's.
  const copied = join(server.dataDir, 'copied-os-release');
  await server.ok(['cp', `${name}:/usr/lib/os-release`, copied]);
  assert.equal(await readFile(copied, 'utf8'), await readFile('/usr/lib/os-release', 'utf8'), 'kubectl cp brings the pod\'s file');

  const forward = await portForward(server, `pod/${name}`, 8080);
  try {
    assert.equal(await httpGet('127.0.0.1', forward.localPort), `hello from ${name}\n`);
  } finally {
    forward.stop();
  }
});

test('the node reports each pod\'s cpu and memory through the API (nodes/NAME/proxy/stats/summary)', async () => {
  const pods = await waitForReadyPods(server, 'app=hello', 5);
  const nodeName = pods[0]!.spec!.nodeName!;
  type Usage = { cpu?: { usageCoreNanoSeconds?: number }; memory?: { workingSetBytes?: number } };
  const summary = await waitFor(async () => {
    const s = JSON.parse(await server.ok(['get', '--raw', `/api/v1/nodes/${nodeName}/proxy/stats/summary`])) as { node: Usage & { nodeName: string }; pods: (Usage & { podRef: { name: string } })[] };
    return pods.every((p) => s.pods.some((q) => q.podRef.name === p.metadata!.name && (q.memory?.workingSetBytes ?? 0) > 0)) ? s : undefined;
  }, 20_000, 'usage for every hello pod');
  assert.equal(summary.node.nodeName, nodeName);
  assert.ok((summary.node.memory?.workingSetBytes ?? 0) > 0);
  const metrics = await server.ok(['get', '--raw', `/api/v1/nodes/${nodeName}/proxy/metrics/resource`]);
  assert.match(metrics, new RegExp(`container_memory_working_set_bytes\\{container="web",namespace="default",pod="${pods[0]!.metadata!.name}"\\} \\d+`));
});

test('once the server is stopped and its node cleaned up, nothing is left', async () => {
  const sandboxIds = await server.sandboxIds();
  await server.stop();
  await assertNothingLeft(server.dataDir, [...podUids], sandboxIds, podCIDR);
});
