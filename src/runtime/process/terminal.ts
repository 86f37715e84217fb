// Terminals, for exec with a tty and for containers with `tty`. util-linux script(1) runs the
// command on a new pty (no native module needed); the client's sizes are set from outside with
// `stty -F` on the pty's slave. Setting a size (TIOCSWINSZ) makes the kernel send SIGWINCH to
// the terminal's foreground process group, so full-screen programs redraw. Both tools are in
// every Debian base system, and this works alike as root (script runs nsenter, which keeps the
// pty) and without.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface TerminalSize {
  width: number;
  height: number;
}

/** A shell command line run on a new pty; script(1) exits with the command's code. */
export function onTerminal(commandLine: string): string[] {
  return ['script', '--quiet', '--return', '--flush', '--command', commandLine, '/dev/null'];
}

/**
 * The slave of the pty script(1) (running as pid) made: script keeps it open, or else its
 * master's fdinfo names its index (`tty-index`).
 */
export function ptySlave(scriptPid: number): string | undefined {
  try {
    for (const fd of fs.readdirSync(`/proc/${scriptPid}/fd`)) {
      const target = fs.readlinkSync(`/proc/${scriptPid}/fd/${fd}`);
      if (/^\/dev\/pts\/\d+$/.test(target)) return target;
      const index = target === '/dev/ptmx' ? /^tty-index:\s*(\d+)$/m.exec(fs.readFileSync(`/proc/${scriptPid}/fdinfo/${fd}`, 'utf8'))?.[1] : undefined;
      if (index !== undefined) return `/dev/pts/${index}`;
    }
  } catch {
    // Gone, or an fd closed while looking: the caller looks again.
  }
  return undefined;
}

/**
 * Sets each size, in order, on the pty of script(1) running as pid while running() says it
 * still runs. The first size usually comes as the command starts (kubectl sends it at once),
 * so the pty is waited for; sizes after the command has gone are dropped.
 */
export async function applyTerminalSizes(scriptPid: number, sizes: AsyncIterable<TerminalSize>, running: () => boolean): Promise<void> {
  for await (const { width, height } of sizes) {
    if (!running()) break;
    if (!isDimension(width) || !isDimension(height)) continue;
    // Looked up again each time, so a pty freed and reused since is never resized.
    let slave = ptySlave(scriptPid);
    const deadline = Date.now() + 5000;
    while (slave === undefined && running() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      slave = ptySlave(scriptPid);
    }
    if (slave === undefined || !running()) continue;
    await run('stty', ['-F', slave, 'rows', String(height), 'cols', String(width)]).catch(() => {});
  }
}

/** A terminal dimension the kernel keeps (an unsigned short). */
function isDimension(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffff;
}
