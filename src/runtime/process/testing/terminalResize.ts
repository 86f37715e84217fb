// The terminal-resize scenario the runtime's tests run with and without root: an exec on a
// terminal sized 100x40 (the first size, as kubectl sends it at once), resized to 120x50 once
// the command has printed the first size.

import { Writable } from 'node:stream';
import { waitFor } from '../../../../test/e2e/harness.ts';
import type { ContainerRuntime } from '../../runtime.ts';

/** Prints "size ROWS COLS" on each change and "winch" on each SIGWINCH; exits 0 at 50x120. */
const watchSize = [
  'trap "echo winch" WINCH; last=',
  'while :; do s=$(stty size); if [ "$s" != "$last" ]; then echo "size $s"; last=$s; fi; [ "$s" = "50 120" ] && exit 0; sleep 0.02; done',
].join('\n');

export async function execWithResizes(runtime: ContainerRuntime, containerId: string): Promise<{ code: number; out: string }> {
  let out = '';
  const stdout = new Writable({ write: (chunk, _enc, done) => ((out += chunk), done()) });
  async function* sizes() {
    yield { width: 100, height: 40 };
    await waitFor(() => out.includes('size 40 100'), 10_000, 'the first size to reach the terminal');
    yield { width: 120, height: 50 };
  }
  const code = await runtime.exec(containerId, ['sh', '-c', watchSize], { stdout, tty: true, resize: sizes() });
  return { code, out };
}
