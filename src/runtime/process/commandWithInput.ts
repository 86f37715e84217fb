// A command fed a script on its stdin (`ip -batch -`, `nft -f -`): one process for many steps.

import { spawn } from 'node:child_process';

/**
 * Runs `command args` with `input` on its stdin. A failure rejects with the command's first
 * lines of stderr (cut short) in the message, and all of it as `stderr`.
 */
export function runWithInput(command: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const lines = stderr.trim().split('\n').slice(0, 3).map((l) => (l.length > 300 ? `${l.slice(0, 300)}...` : l));
      reject(Object.assign(new Error(`${command} failed (${code}): ${lines.join('\n')}`), { stderr }));
    });
    // A command gone early (not installed, failed at once): its exit says why, not a write error.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}
