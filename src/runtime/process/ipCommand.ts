// iproute2's `ip`, as the node's networking code runs it.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runWithInput } from './commandWithInput.ts';

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

/**
 * Runs several `ip` commands in one process (`ip -batch -`; in a network namespace with
 * `netns`): a spawn costs milliseconds of the event loop in a large process. The first failing
 * command stops the rest and fails the whole; words must not contain spaces.
 */
export function ipBatch(commands: string[][], netns?: string): Promise<void> {
  return runWithInput('ip', [...(netns ? ['-n', netns] : []), '-batch', '-'], commands.map((words) => `${words.join(' ')}\n`).join(''));
}
