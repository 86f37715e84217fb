// `kubectl attach` and `kubectl run -i/-it --rm` on skiff's own node (the process runtime): a
// container's stdin takes what the client types, stdinOnce ends it with the client's input,
// tty gives the container a terminal of the client's size, and --rm deletes the pod after.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { kubectlBinary, killOnExit, SkiffServer, waitFor } from './harness.ts';
import { waitForReadyPods } from './realPods.ts';

let server: SkiffServer;

before(async () => {
  server = await SkiffServer.startWithAgent();
});

after(async () => {
  await server?.stop();
});

/** A command whose stdin the test types into, its stdout and stderr collected together. */
function interactive(command: string, args: string[]) {
  const child = spawn(command, args, { env: { ...process.env, KUBECONFIG: server.kubeconfig }, stdio: ['pipe', 'pipe', 'pipe'] });
  killOnExit(child);
  child.stdin!.on('error', () => {}); // typed after it exited: nobody to read it
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    output: () => output,
    type: (text: string) => child.stdin!.write(text),
    endInput: () => child.stdin!.end(),
    /** Resolves once the text shows in the output (failing early should the command exit first); poke runs before each look. */
    shows: (text: string | RegExp, what: string, poke?: () => void) =>
      waitFor(() => {
        poke?.();
        if (typeof text === 'string' ? output.includes(text) : text.test(output)) return true;
        if (child.exitCode !== null) throw new Error(`${command} exited (${child.exitCode}) before showing ${what}:\n${output}`);
        return false;
      }, 60_000, what),
    exited,
  };
}

async function deleted(pod: string): Promise<void> {
  await waitFor(async () => /NotFound/.test((await server.kubectl(['get', 'pod', pod])).stderr), 60_000, `pod ${pod} to be deleted`);
}

test('kubectl run -i --rm: the pod reads the client\'s input, its output comes back, and the pod is deleted', async () => {
  const result = await server.kubectl(['run', '-i', '--rm', '--restart=Never', 'attached', '--image=busybox', '--', 'sh', '-c', 'read line; echo got $line'], { input: 'hello\n' });
  assert.equal(result.code, 0, result.stderr + result.stdout);
  assert.match(result.stdout, /^got hello$/m);
  await deleted('attached');
});

const catPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'cat', labels: { app: 'cat' } },
  spec: { containers: [{ name: 'cat', image: 'busybox', command: ['cat'], stdin: true }] },
};

test('kubectl attach -i reaches a running container\'s stdin, again and again', async () => {
  await server.ok(['apply', '-f', '-'], { input: JSON.stringify(catPod) });
  await waitForReadyPods(server, 'app=cat', 1);
  for (const line of ['first', 'second']) {
    const attach = interactive(kubectlBinary, ['attach', '-i', 'cat']);
    attach.type(`${line}\n`);
    await attach.shows(`${line}\n`, `"${line}" back through the attach`);
    // Without stdinOnce the end of the client's input ends the attach, not the container's stdin.
    attach.endInput();
    assert.equal(await attach.exited, 0, attach.output());
  }
  assert.equal(await server.ok(['logs', 'cat']), 'first\nsecond\n');
  assert.match(await server.ok(['get', 'pod', 'cat']), /cat\s+1\/1\s+Running\s+0\s/);
  await server.ok(['delete', 'pod', 'cat', '--wait=false']);
  await deleted('cat');
});

test('kubectl run -it --rm: a shell on a terminal of the client\'s size; exit ends it and deletes the pod', async () => {
  // kubectl on a terminal (script's pty, sized 40x100), as a person would run it.
  const kubectl = `stty rows 40 cols 100; ${kubectlBinary} run -it --rm --pod-running-timeout=3m --restart=Never shell --image=busybox -- sh`;
  const session = interactive('script', ['-qec', kubectl, '/dev/null']);
  try {
    await session.shows('If you don\'t see a command prompt, try pressing enter.', 'kubectl attached');
  } catch (err) {
    // What the pod was doing meanwhile (kubectl deletes it once it gives up).
    const pod = await server.kubectl(['get', 'pod', 'shell', '-o', 'yaml']);
    const events = await server.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=shell']);
    throw new Error(`${(err as Error).message}\n${session.output()}\n${pod.stdout}${pod.stderr}\n${events.stdout}`);
  }
  session.type('tty\n');
  await session.shows(/\/dev\/pts\/\d+\r\n/, 'the terminal\'s name');
  // The size reaches the pty as the attach starts, alongside the first input: asked until it shows.
  await session.shows(/\r\n40 100\r\n/, 'the client\'s size', () => session.type('stty size\n'));
  session.type('exit\n');
  assert.equal(await session.exited, 0, session.output());
  session.endInput();
  await deleted('shell');
});
