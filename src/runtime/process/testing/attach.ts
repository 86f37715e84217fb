// The attach scenarios the runtime's tests run with and without root.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { waitFor } from '../../../../test/e2e/harness.ts';
import type { ContainerRuntime } from '../../runtime.ts';

/** What a container with stdinOnce runs: its input back, then a word once its stdin has ended. */
export const catThenSayClosed = ['sh', '-c', 'cat; echo "stdin closed"'];
/** What a container on a terminal runs: its terminal's name, a line on stderr, then each line it reads with the terminal's size. */
export const terminalLoop = ['sh', '-c', 'tty; echo on stderr >&2; while read -r line; do echo "got $line"; stty size; done'];

function collected(): { stream: Writable; text: () => string } {
  let text = '';
  return { stream: new Writable({ write: (chunk, _enc, done) => ((text += chunk), done()) }), text: () => text };
}

const running = async (runtime: ContainerRuntime, id: string) => (await runtime.containerStatus(id))?.state === 'running';

/** One attach to a running `cat` with stdin (no stdinOnce): the line comes back, and the attach ends with the client's stdin while the container's stays open. */
export async function echoThroughAttach(runtime: ContainerRuntime, id: string, line: string): Promise<void> {
  const stdin = new PassThrough();
  const out = collected();
  const attached = runtime.attach(id, { stdin, stdout: out.stream });
  stdin.write(`${line}\n`);
  await waitFor(() => out.text() === `${line}\n`, 8000, `"${line}" back through the attach`);
  stdin.end();
  await attached;
  assert.ok(await running(runtime, id), 'the container\'s stdin is still open');
}

/** An attach to catThenSayClosed with stdinOnce: the end of the client's stdin is the container's, and the attach goes on to the container's exit. */
export async function attachWithStdinOnce(runtime: ContainerRuntime, id: string): Promise<void> {
  const stdin = new PassThrough();
  const out = collected();
  let ended = false;
  const attached = runtime.attach(id, { stdin, stdout: out.stream }).then(() => (ended = true));
  stdin.write('one\n');
  await waitFor(() => out.text() === 'one\n', 8000, 'the line back');
  assert.ok(!ended);
  stdin.end();
  await attached;
  assert.equal(out.text(), 'one\nstdin closed\n');
  await waitFor(async () => (await runtime.containerStatus(id))?.exitCode === 0, 8000, 'the container to exit 0');
  await assert.rejects(runtime.attach(id, {}), /is not running/);
}

/**
 * An attach to terminalLoop with stdin and tty: it runs on a pty (whose name is in the log),
 * its stderr merged into stdout, the pty echoes the input and takes the client's size; the
 * attach ends with the client's stdin, the container goes on.
 */
export async function attachToTerminal(runtime: ContainerRuntime, id: string, logPath: string): Promise<void> {
  const log = await waitFor(() => {
    const text = fs.readFileSync(logPath, 'utf8');
    return text.includes('on stderr') ? text : undefined;
  }, 8000, 'the terminal\'s name in the log');
  assert.match(log, /stdout F \/dev\/pts\/\d+\r\n/);
  assert.match(log, /stdout F on stderr\r\n/, 'stderr goes to the terminal, logged as stdout');
  const stdin = new PassThrough();
  const out = collected();
  async function* sizes() {
    yield { width: 100, height: 40 };
  }
  const attached = runtime.attach(id, { stdin, stdout: out.stream, resize: sizes() });
  // The size reaches the pty while the first lines are read: one line each poll until it shows.
  await waitFor(() => stdin.write('x\n') && out.text().includes('40 100'), 8000, 'the client\'s size on the terminal');
  assert.match(out.text(), /^x\r\ngot x\r\n/, 'the pty echoes the input, and its output has CRLFs');
  stdin.end();
  await attached;
  assert.ok(await running(runtime, id));
}

/** An attach with stdin to a container without stdin: the input is dropped, the output comes until the container exits. */
export async function attachWithoutStdin(runtime: ContainerRuntime, id: string, release: () => void): Promise<void> {
  const stdin = new PassThrough();
  const out = collected();
  const attached = runtime.attach(id, { stdin, stdout: out.stream });
  stdin.end('dropped\n');
  release();
  await attached;
  assert.equal(out.text(), 'released\n');
}
