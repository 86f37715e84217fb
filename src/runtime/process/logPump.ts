// Copies a container's stdout and stderr FIFOs into its CRI log file, and to whoever is
// attached. Opened non-blocking so opening never waits for a writer; the streams end when
// every writer (the shim and the container's processes) has closed them.

import * as fs from 'node:fs';
import * as net from 'node:net';
import type { Writable } from 'node:stream';
import { openCriLog, type CriLogOptions } from './criLog.ts';

type StreamName = 'stdout' | 'stderr';

export interface LogPump {
  /** Resolves once both streams have ended and the log is closed. */
  done: Promise<void>;
  /** Stops reading (the container keeps running; its output waits in the pipe). */
  detach(): void;
  /**
   * Copies the container's output from now on to these streams too, until the returned
   * function is called. A tap that cannot keep up pauses the reading (the container then
   * blocks on write, as it would with upstream's attach), never the other way round.
   */
  tap(outputs: Partial<Record<StreamName, Writable>>): () => void;
}

export function pumpLogs(fifos: Record<StreamName, string>, logPath: string, options?: CriLogOptions): LogPump {
  const log = openCriLog(logPath, options);
  const sockets = new Map<StreamName, net.Socket>();
  const taps: Record<StreamName, Set<Writable>> = { stdout: new Set(), stderr: new Set() };
  /** Taps waiting for 'drain', per stream: the stream reads again once none is. */
  const full: Record<StreamName, Set<Writable>> = { stdout: new Set(), stderr: new Set() };

  function relieve(stream: StreamName, tap: Writable): void {
    if (full[stream].delete(tap) && full[stream].size === 0) sockets.get(stream)?.resume();
  }

  const ended = (['stdout', 'stderr'] as const).map((stream) => {
    const socket = new net.Socket({ fd: fs.openSync(fifos[stream], fs.constants.O_RDONLY | fs.constants.O_NONBLOCK), readable: true, writable: false });
    sockets.set(stream, socket);
    socket.on('data', (chunk: Buffer) => {
      log.write(stream, chunk);
      for (const tap of taps[stream]) {
        if (tap.writableEnded || tap.destroyed || tap.write(chunk) || full[stream].has(tap)) continue;
        full[stream].add(tap);
        socket.pause();
        tap.once('drain', () => relieve(stream, tap));
      }
    });
    return new Promise<void>((resolve) => {
      socket.on('end', () => log.end(stream));
      socket.on('close', () => resolve());
    });
  });
  const done = Promise.all(ended).then(() => log.close());
  return {
    done,
    detach() {
      for (const socket of sockets.values()) socket.destroy();
    },
    tap(outputs) {
      const streams = (['stdout', 'stderr'] as const).filter((stream) => outputs[stream]);
      for (const stream of streams) taps[stream].add(outputs[stream]!);
      return () => {
        for (const stream of streams) {
          taps[stream].delete(outputs[stream]!);
          relieve(stream, outputs[stream]!);
        }
      };
    },
  };
}
