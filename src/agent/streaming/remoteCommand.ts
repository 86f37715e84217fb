// exec and attach as the kubelet serves them (upstream's remotecommand server): the streams the
// client asked for (stdin, stdout, stderr, resize) over WebSocket channels or SPDY streams, and
// how the command ended, reported on the error stream: a metav1.Status (v4 and later), where
// a non-zero exit is reason NonZeroExitCode with the code as an ExitCode cause, which kubectl
// turns into its own exit code.

import type { Duplex, Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ContainerRuntime } from '../../runtime/runtime.ts';
import { CHANNEL, BASE64_CHANNEL, type Channels } from './channels.ts';
import { SpdySession, type SpdyStream } from './spdy/session.ts';

export interface StreamFlags {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** The streams of the kubelet's query (`input`, `output`, `error`, `tty` set to 1, as the apiserver writes them). */
export function parseStreamFlags(q: URLSearchParams): StreamFlags {
  const tty = q.get('tty') === '1';
  const flags = { stdin: q.get('input') === '1', stdout: q.get('output') === '1', stderr: q.get('error') === '1' && !tty, tty };
  if (!flags.stdin && !flags.stdout && !flags.stderr) throw new Error('you must specify at least 1 of stdin, stdout, stderr');
  return flags;
}

export interface TerminalSize {
  width: number;
  height: number;
}

/** metav1.Status as the kubelet writes it on the error stream. */
export interface CommandStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: { reason?: string; message: string }[] };
  code?: number;
}

const success: CommandStatus = { metadata: {}, status: 'Success' };

function internalErrorStatus(message: string): CommandStatus {
  return { metadata: {}, status: 'Failure', message: `Internal error occurred: ${message}`, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 };
}

function exitStatus(argv: string[], code: number): CommandStatus {
  if (code === 0) return success;
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** The client's side of a command, whatever carries it. */
export interface CommandStreams {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  resize?: AsyncIterable<TerminalSize>;
  /** Sends what is still buffered, reports the outcome, and closes the connection. */
  finish(status: CommandStatus): Promise<void>;
}

const STDIN = 0, STDOUT = 1, STDERR = 2, ERROR = 3, RESIZE = 4;

/** A command's streams as WebSocket channels 0-4. */
export function commandStreamsOverChannels(channels: Channels, flags: StreamFlags): CommandStreams {
  const stdout = flags.stdout ? channels.writer(STDOUT) : undefined;
  const stderr = flags.stderr ? channels.writer(STDERR) : undefined;
  // An empty message on the first channel the client reads says the connection is up (as upstream).
  void channels.send(flags.stdout ? STDOUT : flags.stderr ? STDERR : ERROR, Buffer.alloc(0)).catch(() => {});
  return {
    stdin: flags.stdin ? channels.reader(STDIN) : undefined,
    stdout,
    stderr,
    resize: flags.tty ? terminalSizes(channels.reader(RESIZE)) : undefined,
    finish: (status) =>
      endCommand([stdout, stderr], async () => {
        // Before v4, only a failure is reported, as its message.
        if (![CHANNEL, BASE64_CHANNEL, ''].includes(channels.protocol)) await channels.send(ERROR, JSON.stringify(status));
        else if (status.status === 'Failure') await channels.send(ERROR, status.message ?? '');
      }, () => channels.close()),
  };
}

export const SPDY_COMMAND_PROTOCOLS = ['v4.channel.k8s.io'];

/**
 * A command's streams over SPDY (kubectl's fallback when a WebSocket upgrade fails): the client
 * opens one stream per wanted stream, typed by its `streamtype` header, plus the error stream.
 */
export function acceptCommandStreamsOverSpdy(socket: Duplex, flags: StreamFlags, timeoutMs = 30_000): Promise<CommandStreams> {
  const expected = 1 + Number(flags.stdin) + Number(flags.stdout) + Number(flags.stderr) + Number(flags.tty);
  const streams = new Map<string, SpdyStream>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      session.close();
      reject(new Error('timed out waiting for client to create streams'));
    }, timeoutMs);
    timer.unref();
    const session = new SpdySession(socket, {
      accept: (headers) => {
        const type = headers.streamtype ?? '';
        if (!['error', 'stdin', 'stdout', 'stderr', 'resize'].includes(type)) return `unexpected stream type: ${JSON.stringify(type)}`;
        return streams.has(type) ? `duplicate stream for type ${type}` : undefined;
      },
      onStream: (stream) => {
        streams.set(stream.headers.streamtype!, stream);
        if (stream.headers.streamtype !== 'stdin' && stream.headers.streamtype !== 'resize') stream.resume(); // nothing to read there
        if (streams.size < expected) return;
        clearTimeout(timer);
        const error = streams.get('error')!;
        const stdout = streams.get('stdout');
        const stderr = streams.get('stderr');
        const resize = streams.get('resize');
        resolve({
          stdin: streams.get('stdin'),
          stdout,
          stderr,
          resize: resize && terminalSizes(resize),
          finish: (status) => endCommand([stdout, stderr], () => endWritable(error, JSON.stringify(status)), () => session.close()),
        });
      },
    });
    void session.closed.then(() => {
      clearTimeout(timer);
      reject(new Error('the connection closed before the client created its streams'));
    });
  });
}

/** Runs a command in the container, its stdio on the client's streams. */
export async function runExec(runtime: ContainerRuntime, containerId: string, argv: string[], streams: CommandStreams, tty: boolean): Promise<void> {
  let status: CommandStatus;
  try {
    const code = await runtime.exec(containerId, argv, { stdin: streams.stdin, stdout: streams.stdout, stderr: streams.stderr, tty, resize: streams.resize });
    status = exitStatus(argv, code);
  } catch (err) {
    status = internalErrorStatus(`error executing command in container: ${(err as Error).message}`);
  }
  await streams.finish(status);
}

/**
 * Attaches to a running container: its stdin, and its output from now on, on the client's
 * streams until the runtime's attach ends (the container exits, the client goes, or its stdin
 * ends as the container's stdinOnce says).
 */
export async function runAttach(runtime: ContainerRuntime, containerId: string, streams: CommandStreams, signal: AbortSignal): Promise<void> {
  let status = success;
  try {
    await runtime.attach(containerId, { stdin: streams.stdin, stdout: streams.stdout, stderr: streams.stderr, resize: streams.resize, signal });
  } catch (err) {
    status = internalErrorStatus(`error attaching to container: ${(err as Error).message}`);
  }
  await streams.finish(status);
}

/**
 * Resize messages: JSON objects {"Width":w,"Height":h}, possibly several in one read. They are
 * read as they come whether or not anyone asks, keeping only the newest: a terminal wants its
 * latest size, and an unread channel must not hold up the connection it shares.
 */
function terminalSizes(source: Readable): AsyncIterable<TerminalSize> {
  let latest: TerminalSize | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  source.on('data', (chunk: Buffer) => {
    for (const object of String(chunk).match(/\{[^{}]*\}/g) ?? []) {
      try {
        const size = JSON.parse(object) as { Width?: number; Height?: number };
        if (typeof size.Width === 'number' && typeof size.Height === 'number') latest = { width: size.Width, height: size.Height };
      } catch {
        // Not a size: skipped, as upstream logs and skips it.
      }
    }
    wake?.();
  });
  source.once('end', () => {
    ended = true;
    wake?.();
  });
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (latest) {
          const size = latest;
          latest = undefined;
          yield size;
        } else if (ended) {
          return;
        } else {
          await new Promise<void>((resolve) => (wake = resolve));
        }
      }
    },
  };
}

/** How a command ends on any transport: its output sent, then its status, then the connection closed. */
async function endCommand(outputs: (Writable | undefined)[], report: () => Promise<void>, close: () => void): Promise<void> {
  try {
    await Promise.all(outputs.map((w) => w && endWritable(w)));
    await report();
  } catch {
    // The client went away: nothing left to tell it.
  } finally {
    close();
  }
}

/** Ends a writable (after a last chunk) and waits until everything is handed on. */
function endWritable(w: Writable, last?: string): Promise<void> {
  if (w.writableFinished) return Promise.resolve();
  if (!w.writableEnded) w.end(last);
  return finished(w, { readable: false });
}
