// iproute2's `ip`, as the node's networking code runs it.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs `ip ARGS`; its stdout. */
export async function ip(...args: string[]): Promise<string> {
  return (await run('ip', args)).stdout;
}

/** Runs `ip ARGS`, taking a failure whose stderr matches `pattern` (already there, already gone) as done. */
export async function ipTolerating(pattern: RegExp, ...args: string[]): Promise<void> {
  try {
    await ip(...args);
  } catch (error) {
    if (!pattern.test(String((error as { stderr?: string }).stderr))) throw error;
  }
}
