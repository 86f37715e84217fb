// attach for the process runtime: a container's output from now on (a tap on its log pump)
// and its stdin FIFO (launch.ts). Upstream semantics (containerd's CRI attach): a container
// without stdin ignores the attached input; when the attached stdin ends (the client closed
// it or went away), stdinOnce without a terminal closes the container's stdin for good and
// the output goes on until the container exits; otherwise the attach ends there.

import * as fs from 'node:fs';
import * as net from 'node:net';
import type { AttachOptions } from '../runtime.ts';
import type { LogPump } from './logPump.ts';
import { applyTerminalSizes } from './terminal.ts';

export interface AttachTarget {
  pump: LogPump;
  /** The container's stdin FIFO when it has stdin. */
  stdinFifo?: string;
  stdinOnce: boolean;
  tty: boolean;
  /** For a container on a terminal: the pid of script(1), which holds its pty. */
  terminalPid?: number;
}

export function attachStreams(target: AttachTarget, options: AttachOptions): Promise<void> {
  return new Promise((resolve) => {
    let attached = true;
    const untap = target.pump.tap({ stdout: options.stdout, stderr: target.tty ? undefined : options.stderr });
    const sink = options.stdin && target.stdinFifo ? openWriter(target.stdinFifo) : undefined;
    const end = () => {
      if (!attached) return;
      attached = false;
      untap();
      options.signal?.removeEventListener('abort', end);
      if (sink) options.stdin!.unpipe(sink);
      sink?.destroy();
      resolve();
    };
    void target.pump.done.then(end);
    if (options.signal?.aborted) return end();
    options.signal?.addEventListener('abort', end, { once: true });

    if (sink) {
      sink.on('error', () => {}); // the container and its keeper have gone: the input goes nowhere
      // Closed once what was written is flushed after the client's stdin ended (or at the end).
      sink.once('close', () => {
        if (target.stdinOnce && !target.tty) closeStdin(target.stdinFifo!);
        else end();
      });
      options.stdin!.pipe(sink);
    } else {
      // Read and dropped, so an unread stdin never holds up the connection it shares.
      options.stdin?.resume();
    }
    if (target.tty && options.resize && target.terminalPid !== undefined) {
      void applyTerminalSizes(target.terminalPid, options.resize, () => attached).catch(() => {});
    }
  });
}

/**
 * Closes the container's stdin for good: the FIFO's name goes (no later attach writes to it)
 * and its keeper is told to end (it holds the write end that kept the container from EOF).
 */
export function closeStdin(stdinFifo: string): void {
  fs.rmSync(stdinFifo, { force: true });
  try {
    // Read-write, so opening never waits; the line stays in the pipe until the keeper reads it.
    const fd = fs.openSync(`${stdinFifo}.keeper`, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    try {
      fs.writeSync(fd, '\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Gone with the container.
  }
}

/** Whether the container's stdin FIFO has a reader: the shim has opened it for the container. */
export function stdinOpened(stdinFifo: string): boolean {
  const fd = openWriteEnd(stdinFifo);
  if (fd !== undefined) fs.closeSync(fd);
  return fd !== undefined;
}

/** A non-blocking writer to the FIFO; undefined once it is closed for good or has no reader. */
function openWriter(fifo: string): net.Socket | undefined {
  const fd = openWriteEnd(fifo);
  return fd === undefined ? undefined : new net.Socket({ fd, readable: false, writable: true });
}

function openWriteEnd(fifo: string): number | undefined {
  try {
    return fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  } catch {
    return undefined; // ENXIO without a reader, ENOENT once closed for good
  }
}
