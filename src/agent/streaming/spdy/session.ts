// The server side of a SPDY/3.1 session: the peer opens streams (odd ids), each a Duplex here.
// What moby/spdystream (kubectl, client-go) expects: a SYN_REPLY per accepted stream, an
// empty DATA frame with FIN to half-close, RST_STREAM to abandon, PINGs echoed.
//
// Flow control: we grant window back as data arrives and push back on a slow reader by
// pausing the connection (as spdystream itself does). spdystream never sends WINDOW_UPDATE, so
// our send windows are enforced only once the peer shows it does flow control (a WINDOW_UPDATE
// or an initial window SETTING); otherwise a 64 KiB window would stall every stream.

import { Duplex } from 'node:stream';
import {
  DEFAULT_WINDOW, FrameReader, HeaderDeflater, HeaderInflater, RstStatus, SETTINGS_INITIAL_WINDOW_SIZE,
  dataFrame, goAwayFrame, pingFrame, rstStreamFrame, synReplyFrame, windowUpdateFrame, type SpdyFrame, type SpdyHeaders,
} from './frames.ts';

export interface SpdySessionOptions {
  /** Vets a new stream's headers: a reason refuses it (RST_STREAM), undefined accepts it. */
  accept?(headers: SpdyHeaders): string | undefined;
  /** An accepted stream, already answered with SYN_REPLY. */
  onStream(stream: SpdyStream): void;
}

/** Largest DATA frame we send (well under the 16 MiB a frame may carry). */
const MAX_DATA = 32 * 1024;

export class SpdyStream extends Duplex {
  readonly id: number;
  readonly headers: SpdyHeaders;
  readonly #session: SpdySession;
  /** Bytes we may still send (when the peer does flow control). */
  sendWindow = DEFAULT_WINDOW;
  /** Received bytes not yet granted back with WINDOW_UPDATE. */
  unacknowledged = 0;
  finSent = false;
  finReceived = false;
  reset = false;
  readonly queue: { data: Buffer; done: (err?: Error | null) => void }[] = [];

  constructor(session: SpdySession, id: number, headers: SpdyHeaders) {
    super({ allowHalfOpen: true });
    this.#session = session;
    this.id = id;
    this.headers = headers;
  }

  override _read(): void {
    this.#session.resumeReading();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.reset) return done(new Error('stream reset'));
    this.queue.push({ data: chunk, done });
    this.#session.flush(this);
  }

  override _final(done: (err?: Error | null) => void): void {
    this.#session.finish(this);
    done();
  }

  override _destroy(err: Error | null, done: (err: Error | null) => void): void {
    this.#session.forget(this);
    for (const item of this.queue.splice(0)) item.done(err ?? new Error('stream destroyed'));
    done(err);
  }
}

export class SpdySession {
  readonly #socket: Duplex;
  readonly #options: SpdySessionOptions;
  readonly #reader = new FrameReader();
  readonly #deflater = new HeaderDeflater();
  readonly #inflater = new HeaderInflater();
  readonly #streams = new Map<number, SpdyStream>();
  #lastStreamId = 0;
  #work: Promise<void> = Promise.resolve();
  #flowControl = false;
  #initialWindow = DEFAULT_WINDOW;
  #sendWindow = DEFAULT_WINDOW;
  #unacknowledged = 0;
  #goneAway = false;
  #drainWaiters: (() => void)[] = [];
  /** Resolves once the connection has closed and every stream is gone. */
  readonly closed: Promise<void>;

  constructor(socket: Duplex, options: SpdySessionOptions) {
    this.#socket = socket;
    this.#options = options;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => {
      let frames: SpdyFrame[];
      try {
        frames = this.#reader.push(chunk);
      } catch {
        return this.#fail();
      }
      for (const frame of frames) this.#work = this.#work.then(() => this.#handle(frame)).catch(() => this.#fail());
    });
    socket.on('drain', () => {
      for (const waiter of this.#drainWaiters.splice(0)) waiter();
    });
    socket.on('end', () => this.close());
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      this.#inflater.close();
      for (const stream of [...this.#streams.values()]) stream.destroy();
      for (const waiter of this.#drainWaiters.splice(0)) waiter();
    });
  }

  /** Says goodbye (GOAWAY) and closes the connection; streams end with it. */
  close(): void {
    if (this.#socket.destroyed) return;
    if (!this.#goneAway) this.#write(goAwayFrame(this.#lastStreamId));
    this.#goneAway = true;
    this.#socket.end();
    for (const stream of [...this.#streams.values()]) stream.destroy();
  }

  // ---- for SpdyStream

  resumeReading(): void {
    if (this.#socket.isPaused()) this.#socket.resume();
  }

  /** Sends what the stream has queued, as far as the windows allow. */
  flush(stream: SpdyStream): void {
    while (stream.queue.length > 0) {
      const item = stream.queue[0]!;
      while (item.data.length > 0) {
        const budget = this.#flowControl ? Math.min(stream.sendWindow, this.#sendWindow) : Infinity;
        if (budget <= 0) return; // resumed by a WINDOW_UPDATE
        const n = Math.min(item.data.length, MAX_DATA, budget);
        this.#write(dataFrame(stream.id, item.data.subarray(0, n)));
        item.data = item.data.subarray(n);
        stream.sendWindow -= n;
        this.#sendWindow -= n;
      }
      stream.queue.shift();
      if (this.#socket.writableNeedDrain) this.#drainWaiters.push(() => item.done());
      else item.done();
    }
  }

  /** Half-closes the stream: an empty DATA frame with FIN. */
  finish(stream: SpdyStream): void {
    if (stream.finSent || stream.reset) return;
    stream.finSent = true;
    this.#write(dataFrame(stream.id, Buffer.alloc(0), true));
  }

  /** A stream is going away: reset it unless both sides finished it cleanly. */
  forget(stream: SpdyStream): void {
    if (this.#streams.get(stream.id) !== stream) return;
    this.#streams.delete(stream.id);
    if (!stream.reset && !(stream.finSent && stream.finReceived)) {
      stream.reset = true;
      this.#write(rstStreamFrame(stream.id, RstStatus.cancel));
    }
  }

  // ---- frames from the peer

  async #handle(frame: SpdyFrame): Promise<void> {
    switch (frame.type) {
      case 'synStream': return this.#open(frame.streamId, frame.fin, frame.unidirectional, await this.#inflater.decode(frame.headerBlock));
      case 'synReply': return void (await this.#inflater.decode(frame.headerBlock)); // keeps the zlib context in step
      case 'headers': {
        const headers = await this.#inflater.decode(frame.headerBlock);
        const stream = this.#streams.get(frame.streamId);
        if (stream) Object.assign(stream.headers, headers);
        if (stream && frame.fin) this.#remoteFinished(stream);
        return;
      }
      case 'data': return this.#data(frame.streamId, frame.data, frame.fin);
      case 'rstStream': {
        const stream = this.#streams.get(frame.streamId);
        if (!stream) return;
        stream.reset = true;
        stream.destroy();
        return;
      }
      case 'settings':
        for (const entry of frame.entries) {
          if (entry.id !== SETTINGS_INITIAL_WINDOW_SIZE) continue;
          const change = entry.value - this.#initialWindow;
          this.#initialWindow = entry.value;
          this.#flowControl = true;
          for (const stream of this.#streams.values()) stream.sendWindow += change;
        }
        return;
      case 'windowUpdate': {
        this.#flowControl = true;
        if (frame.streamId === 0) {
          this.#sendWindow += frame.delta;
          for (const stream of this.#streams.values()) this.flush(stream);
        } else {
          const stream = this.#streams.get(frame.streamId);
          if (!stream) return;
          stream.sendWindow += frame.delta;
          this.flush(stream);
        }
        return;
      }
      case 'ping':
        // Odd ids are the client's own pings: echo them. Even ones would answer ours (we send none).
        if (frame.id % 2 === 1) this.#write(pingFrame(frame.id));
        return;
      case 'goAway':
        this.#goneAway = true;
        return;
      case 'unknown':
        return;
    }
  }

  #open(id: number, fin: boolean, unidirectional: boolean, headers: SpdyHeaders): void {
    if (this.#goneAway) return void this.#write(rstStreamFrame(id, RstStatus.refusedStream));
    if (id % 2 === 0 || id <= this.#lastStreamId || this.#streams.has(id)) return void this.#write(rstStreamFrame(id, RstStatus.protocolError));
    this.#lastStreamId = id;
    const refusal = this.#options.accept?.(headers);
    if (refusal !== undefined) return void this.#write(rstStreamFrame(id, RstStatus.refusedStream));
    const stream = new SpdyStream(this, id, headers);
    stream.sendWindow = this.#initialWindow;
    this.#streams.set(id, stream);
    if (unidirectional) {
      // The peer sends only: no reply, nothing from us.
      stream.finSent = true;
      stream.end();
    } else {
      this.#write(synReplyFrame(id, this.#deflater.encode({})));
    }
    if (fin) this.#remoteFinished(stream);
    this.#options.onStream(stream);
  }

  #data(id: number, data: Buffer, fin: boolean): void {
    const stream = this.#streams.get(id);
    if (data.length > 0) this.#grant(stream, data.length);
    if (!stream) return;
    if (data.length > 0 && !stream.finReceived && !stream.push(data)) this.#socket.pause();
    if (fin) this.#remoteFinished(stream);
  }

  /** Gives window back to a flow-controlling peer once half a window has arrived. */
  #grant(stream: SpdyStream | undefined, n: number): void {
    this.#unacknowledged += n;
    if (this.#unacknowledged >= DEFAULT_WINDOW / 2) {
      this.#write(windowUpdateFrame(0, this.#unacknowledged));
      this.#unacknowledged = 0;
    }
    if (!stream) return;
    stream.unacknowledged += n;
    if (stream.unacknowledged >= DEFAULT_WINDOW / 2) {
      this.#write(windowUpdateFrame(stream.id, stream.unacknowledged));
      stream.unacknowledged = 0;
    }
  }

  #remoteFinished(stream: SpdyStream): void {
    if (stream.finReceived) return;
    stream.finReceived = true;
    stream.push(null);
  }

  #write(frame: Buffer): void {
    if (!this.#socket.destroyed && this.#socket.writable) this.#socket.write(frame);
  }

  /** A malformed frame: GOAWAY with a protocol error, then the connection goes. */
  #fail(): void {
    if (this.#socket.destroyed) return;
    if (!this.#goneAway) this.#write(goAwayFrame(this.#lastStreamId, 1));
    this.#goneAway = true;
    this.#socket.destroy();
  }
}
