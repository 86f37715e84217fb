// Copies a container's stdout and stderr FIFOs into its CRI log file. Opened non-blocking so
// opening never waits for a writer; the streams end when every writer (the shim and the
// container's processes) has closed them.

import * as fs from 'node:fs';
import * as net from 'node:net';
import { openCriLog, type CriLogOptions } from './criLog.ts';

export interface LogPump {
  /** Resolves once both streams have ended and the log is closed. */
  done: Promise<void>;
  /** Stops reading (the container keeps running; its output waits in the pipe). */
  detach(): void;
}

export function pumpLogs(fifos: { stdout: string; stderr: string }, logPath: string, options?: CriLogOptions): LogPump {
  const log = openCriLog(logPath, options);
  const sockets: net.Socket[] = [];
  const ended = (['stdout', 'stderr'] as const).map((stream) => {
    const socket = new net.Socket({ fd: fs.openSync(fifos[stream], fs.constants.O_RDONLY | fs.constants.O_NONBLOCK), readable: true, writable: false });
    sockets.push(socket);
    socket.on('data', (chunk: Buffer) => log.write(stream, chunk));
    return new Promise<void>((resolve) => {
      socket.on('end', () => log.end(stream));
      socket.on('close', () => resolve());
    });
  });
  const done = Promise.all(ended).then(() => log.close());
  return {
    done,
    detach() {
      for (const socket of sockets) socket.destroy();
    },
  };
}
